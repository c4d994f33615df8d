package dev.storesync.orders;

import static dev.storesync.testing.Api.asAdmin;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.testing.ConnectedShop;
import dev.storesync.testing.Orders;
import dev.storesync.testing.Shipments;
import dev.storesync.testing.SignedWebhooks;
import dev.storesync.testing.Vendors;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Order edits lower a line's current quantity (Shopify's {@code current_quantity}) or remove it (0)
 * while {@code quantity} keeps what was ordered: StoreSync follows the current quantity, so vendors
 * cannot ship what the customer no longer orders.
 */
@QuarkusTest
class OrderEditTest {

    @InjectShopifySimulator
    ShopifySimulator sim;

    @Inject
    OrderReconciler reconciler;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void shouldLimitRegistrationToTheQuantityLeftAfterAnEdit() {
        String shop = SignedWebhooks.registerShop("edit");
        Vendors.Vendor vendor = Vendors.create("Edited");
        Orders.Order order = Orders.order(shop);
        Orders.Line cups = order.line(vendor.name(), "EDIT-CUP", 3);
        Orders.Imported imported = order.createAndAwait();

        cups.edit(1);
        order.touch(Duration.ofMinutes(3)).updated().awaitProcessed();

        asAdmin().get("/orders/" + imported.id()).then().statusCode(200)
                .body("lines[0].quantity", equalTo(1))
                .body("lines[0].orderedQuantity", equalTo(3))
                .body("lines[0].remainingToShip", equalTo(1));
        Shipments.register(vendor.key(), imported.id(), Shipments.body("TRK-E2-" + order.id(), imported.lineId(cups), 2))
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItem("lines[0].quantity"));
        Shipments.registered(vendor.key(), imported.id(), "TRK-E1-" + order.id(), imported.lineId(cups), 1);
        asAdmin().get("/orders/" + imported.id()).then().body("lines[0].remainingToShip", equalTo(0));
    }

    @Test
    void shouldNotShipALineRemovedByAnEdit() {
        String shop = SignedWebhooks.registerShop("removed");
        Vendors.Vendor vendor = Vendors.create("Removed");
        Orders.Order order = Orders.order(shop);
        Orders.Line kept = order.line(vendor.name(), "KEPT-1", 2);
        Orders.Line removed = order.line(vendor.name(), "GONE-1", 2);
        Orders.Imported imported = order.createAndAwait();

        removed.edit(0);
        order.touch(Duration.ofMinutes(3)).updated().awaitProcessed();

        asAdmin().get("/orders/" + imported.id()).then().statusCode(200)
                .body("lines.find { it.sku == 'GONE-1' }.quantity", equalTo(0))
                .body("lines.find { it.sku == 'GONE-1' }.orderedQuantity", equalTo(2))
                .body("lines.find { it.sku == 'GONE-1' }.remainingToShip", equalTo(0))
                .body("lines.find { it.sku == 'KEPT-1' }.quantity", equalTo(2));
        Shipments.register(vendor.key(), imported.id(), Shipments.body("TRK-G-" + order.id(), imported.lineId(removed), 1))
                .then().statusCode(422)
                .body("errors.field", hasItem("lines[0].quantity"));
        Shipments.registered(vendor.key(), imported.id(), "TRK-K-" + order.id(), imported.lineId(kept), 2);
    }

    @Test
    void shouldFollowAnEditReadByTheReconciliation() {
        ConnectedShop store = ConnectedShop.connect(sim, "editread");
        SimOrder order = store.shop.order().line("READ-1", 4, "Nobody").line("READ-2", 1, "Nobody").create();
        long orderId = store.importOrder(order);

        order.edit("READ-1", 2).edit("READ-2", 0);
        reconciler.reconcile(store.shopId, store.domain).await().atMost(Duration.ofSeconds(20));

        asAdmin().get("/orders/" + orderId).then().statusCode(200)
                .body("lines.find { it.sku == 'READ-1' }.quantity", equalTo(2))
                .body("lines.find { it.sku == 'READ-1' }.orderedQuantity", equalTo(4))
                .body("lines.find { it.sku == 'READ-2' }.quantity", equalTo(0));
    }
}
