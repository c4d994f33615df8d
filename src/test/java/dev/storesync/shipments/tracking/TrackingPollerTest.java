package dev.storesync.shipments.tracking;

import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimFulfillment;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.testing.ConnectedShop;
import dev.storesync.testing.Vendors;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tracking poller, the fallback for fulfillment webhooks that never came: here the simulator
 * sends none, so only the poller can find what changed in Shopify.
 */
@QuarkusTest
class TrackingPollerTest {

    private static final Duration WITHIN = Duration.ofSeconds(60);

    @InjectShopifySimulator
    ShopifySimulator sim;

    @Inject
    TrackingPoller poller;

    @Test
    void shouldPickUpAFulfillmentAndCarrierUpdateThatNoWebhookBrought() {
        ConnectedShop store = ConnectedShop.connect(sim, "poller");
        String vendor = Vendors.create("Seto Ware").name();
        SimOrder order = store.shop.order().line("POLL-1", 1, vendor)
                .createdAt(Instant.now().minus(Duration.ofHours(3)).truncatedTo(ChronoUnit.SECONDS)).createRouted();
        store.importOrder(order);
        await().atMost(WITHIN).until(() -> listed(store, order).getList("alerts.kind", String.class).contains("tracking_pending"));

        SimFulfillment fulfillment = order.fulfillmentOrders().get(0).fulfil("POLLED-1");
        // Each run takes a bounded batch; other tests' orders share the database, so this run is limited to the shop.
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> {
            poller.pollShop(store.shopId).await().atMost(WITHIN);
            return events(store, order).contains("fulfillment_created_externally");
        });
        JsonPath listed = listed(store, order);
        assertThat(listed.getString("tracking.number")).isEqualTo("POLLED-1");
        assertThat(listed.getList("alerts")).isEmpty();

        fulfillment.shipmentStatus("in_transit");
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> {
            poller.pollShop(store.shopId).await().atMost(WITHIN);
            return events(store, order).get(0).equals("fulfillment_updated");
        });
        assertThat(events(store, order)).containsExactly("fulfillment_updated", "fulfillment_created_externally",
                "order_imported");
        assertThat(listed(store, order).getString("tracking.status")).isEqualTo("in_transit");
    }

    private static List<String> events(ConnectedShop store, SimOrder order) {
        return asAdmin().queryParam("shop_domain", store.domain).get("/sync/orders/{id}/timeline", order.id())
                .then().statusCode(200).extract().jsonPath().getList("events.event", String.class);
    }

    private static JsonPath listed(ConnectedShop store, SimOrder order) {
        JsonPath page = asAdmin().queryParam("shop_domain", store.domain).get("/sync/orders").then().statusCode(200)
                .extract().jsonPath();
        int index = page.getList("orders.id", String.class).indexOf(order.id());
        assertThat(index).isGreaterThanOrEqualTo(0);
        return page.setRootPath("orders[" + index + "]");
    }
}
