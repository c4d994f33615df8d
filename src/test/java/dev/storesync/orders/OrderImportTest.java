package dev.storesync.orders;

import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.testing.Api;
import dev.storesync.testing.Orders;
import dev.storesync.testing.Shipments;
import dev.storesync.testing.SignedWebhooks;
import dev.storesync.testing.Vendors;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Orders reach StoreSync only as signed {@code orders/*} webhooks, handled asynchronously by the
 * inbox dispatcher; these tests send them through HTTP and read the result through the order API.
 */
@QuarkusTest
class OrderImportTest {

    private static final Duration SOON = Duration.ofSeconds(30);

    @InjectShopifySimulator
    ShopifySimulator shopify;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void shouldImportACreatedOrderWithItsLinesAttributedToTheVendorOfTheSameName() {
        String shop = SignedWebhooks.registerShop("import");
        Vendors.Vendor acme = Vendors.create("Acme");
        Orders.Order order = Orders.order(shop);
        Orders.Line mug = order.line(acme.name().toUpperCase(), "MUG-1", 2);
        Orders.Line poster = order.line("Nobody We Know " + UUID.randomUUID(), "POSTER-1", 1);

        Orders.Imported imported = order.createAndAwait();

        asAdmin().get("/orders/" + imported.id()).then().statusCode(200)
                .body("shop", equalTo(shop))
                .body("shopifyId", equalTo(order.id()))
                .body("name", equalTo(order.name()))
                .body("cancelledAt", nullValue())
                .body("lines", hasSize(2))
                .body("lines.find { it.sku == 'MUG-1' }.vendorId", equalTo((int) acme.id()))
                .body("lines.find { it.sku == 'MUG-1' }.shopifyVendor", equalTo(mug.vendor()))
                .body("lines.find { it.sku == 'MUG-1' }.quantity", equalTo(2))
                .body("lines.find { it.sku == 'MUG-1' }.remainingToShip", equalTo(2))
                .body("lines.find { it.sku == 'POSTER-1' }.vendorId", nullValue())
                .body("lines.find { it.sku == 'POSTER-1' }.shopifyVendor", equalTo(poster.vendor()));
        asAdmin().queryParam("name", order.name()).get("/orders").then().statusCode(200)
                .body("id", containsInAnyOrder((int) imported.id()));
    }

    @Test
    void shouldAttributeLinesThroughAVendorMappingIncludingLinesImportedBefore() {
        String shop = SignedWebhooks.registerShop("mapping");
        Vendors.Vendor vendor = Vendors.create("Mapped");
        String shopifyVendor = "Studio " + UUID.randomUUID();
        Orders.Order before = Orders.order(shop).with(shopifyVendor, "LAMP-1", 1);
        Orders.Imported early = before.createAndAwait();
        asAdmin().get("/orders/" + early.id()).then().statusCode(200).body("lines[0].vendorId", nullValue());

        asAdmin().body(Map.of("shopifyVendor", shopifyVendor.toLowerCase(), "vendorId", vendor.id()))
                .post("/admin/vendor-mappings").then().statusCode(201)
                .body("vendorId", equalTo((int) vendor.id()))
                .body("linesReattributed", equalTo(1));

        asAdmin().get("/orders/" + early.id()).then().statusCode(200).body("lines[0].vendorId", equalTo((int) vendor.id()));
        Orders.Imported later = Orders.order(shop).with(shopifyVendor, "LAMP-2", 1).createAndAwait();
        asAdmin().get("/orders/" + later.id()).then().statusCode(200).body("lines[0].vendorId", equalTo((int) vendor.id()));
        Vendors.Vendor other = Vendors.create("Other");
        Api.as(vendor.key()).get("/orders/" + later.id()).then().statusCode(200)
                .body("lines", hasSize(1));
        Api.as(other.key()).get("/orders/" + later.id()).then().statusCode(404);
    }

    @Test
    void shouldIgnoreARepeatedOrOlderUpdate() {
        String shop = SignedWebhooks.registerShop("stale");
        Orders.Order order = Orders.order(shop).updatedAt(Orders.T0.plus(Duration.ofHours(1)))
                .triggeredAt(Orders.T0.plus(Duration.ofHours(1)));
        Orders.Line line = order.line("Any", "CUP-1", 3);
        Orders.Imported imported = order.createAndAwait();

        // The same event delivered again (same trigger time) but carrying other content: ignored.
        line.quantity(7).title("Changed without a newer updated_at");
        order.updated().awaitProcessed();
        // An older version arriving late: ignored.
        order.updatedAt(Orders.T0);
        order.updated().awaitProcessed();

        asAdmin().get("/orders/" + imported.id()).then().statusCode(200)
                .body("updatedAt", equalTo("2026-11-01T10:00:00Z"))
                .body("lines[0].quantity", equalTo(3))
                .body("lines[0].title", equalTo("Item CUP-1"));
    }

    @Test
    void shouldApplyASecondChangeStampedWithTheSameSecond() {
        String shop = SignedWebhooks.registerShop("samesecond");
        Orders.Order order = Orders.order(shop).triggeredAt(Orders.T0);
        Orders.Line line = order.line("Any", "CUP-3", 3);
        Orders.Imported imported = order.createAndAwait();

        // Shopify stamps updated_at to the second; the later event is told apart by its trigger time.
        line.quantity(4);
        order.triggeredAt(Orders.T0.plusMillis(400)).updated().awaitProcessed();

        asAdmin().get("/orders/" + imported.id()).then().statusCode(200).body("lines[0].quantity", equalTo(4));
    }

    @Test
    void shouldApplyANewerUpdate() {
        String shop = SignedWebhooks.registerShop("newer");
        Orders.Order order = Orders.order(shop);
        Orders.Line line = order.line("Any", "CUP-2", 3);
        Orders.Imported imported = order.createAndAwait();

        line.quantity(5).title("Cup, large");
        order.name(order.name() + "-E1").touch(Duration.ofMinutes(5)).updated().awaitProcessed();

        asAdmin().get("/orders/" + imported.id()).then().statusCode(200)
                .body("name", equalTo(order.name()))
                .body("updatedAt", equalTo("2026-11-01T09:05:00Z"))
                .body("lines", hasSize(1))
                .body("lines[0].quantity", equalTo(5))
                .body("lines[0].remainingToShip", equalTo(5))
                .body("lines[0].title", equalTo("Cup, large"));
    }

    @Test
    void shouldCreateTheOrderFromAnUpdateThatArrivesBeforeTheCreate() {
        String shop = SignedWebhooks.registerShop("early");
        Orders.Order order = Orders.order(shop);
        Orders.Line line = order.line("Any", "BAG-1", 2);
        String created = order.payload();
        line.quantity(4);
        order.touch(Duration.ofMinutes(2)).updated().awaitProcessed();
        Orders.Imported imported = order.awaitShown();

        SignedWebhooks.Delivery lateCreate = SignedWebhooks.delivery("orders/create", shop, created);
        lateCreate.post().then().statusCode(200);
        Orders.awaitProcessed(shop, lateCreate.webhookId());

        asAdmin().get("/orders/" + imported.id()).then().statusCode(200)
                .body("updatedAt", equalTo("2026-11-01T09:02:00Z"))
                .body("lines[0].quantity", equalTo(4));
    }

    @Test
    void shouldMarkACancelledOrderAndStopItsPendingShipments() {
        String shop = SignedWebhooks.registerShop("cancel");
        Vendors.Vendor vendor = Vendors.create("Cancelled");
        // The shop is unknown to the simulator, so a sync attempt would fail the shipment at once;
        // Shopify throttling this shop keeps it pending (retrying), which is the case under test.
        shopify.faults().always().shop(shop).status(429);
        Orders.Order order = Orders.order(shop);
        Orders.Line line = order.line(vendor.name(), "HAT-1", 2);
        Orders.Imported imported = order.createAndAwait();
        long shipment = Shipments.registered(vendor.key(), imported.id(), "TRK-" + order.id(), imported.lineId(line), 1);

        order.cancel().cancelled().awaitProcessed();

        asAdmin().get("/orders/" + imported.id()).then().statusCode(200).body("cancelledAt", not(nullValue()));
        await().atMost(SOON).untilAsserted(() -> Api.as(vendor.key())
                .get("/shipments/" + shipment).then().statusCode(200)
                .body("status", equalTo("shipped"))
                .body("syncStatus", equalTo("cancelled"))
                .body("lastError.code", equalTo("order_cancelled"))
                .body("nextAttemptAt", nullValue())
                .body("statusLabel.en", equalTo("shipped (sync stopped: The order was cancelled in Shopify.)"))
                .body("syncHistory.outcome", hasItem("cancelled")));
    }

    @Test
    void shouldDeleteAnOrderWithItsShipments() {
        String shop = SignedWebhooks.registerShop("delete");
        Vendors.Vendor vendor = Vendors.create("Deleted");
        Orders.Order order = Orders.order(shop);
        Orders.Line line = order.line(vendor.name(), "SOCK-1", 2);
        Orders.Imported imported = order.createAndAwait();
        long shipment = Shipments.registered(vendor.key(), imported.id(), "TRK-" + order.id(), imported.lineId(line), 2);
        Orders.Imported kept = Orders.order(shop).with(vendor.name(), "SOCK-2", 1).createAndAwait();

        order.delete().awaitProcessed();

        asAdmin().get("/orders/" + imported.id()).then().statusCode(404).contentType("application/problem+json");
        asAdmin().get("/shipments/" + shipment).then().statusCode(404);
        assertThat(Orders.find(order.id())).isNull();
        asAdmin().get("/shipments?orderId=" + imported.id()).then().statusCode(200).body("items", hasSize(0));
        asAdmin().get("/orders/" + kept.id()).then().statusCode(200);
    }
}
