package dev.storesync.shipments.tracking;

import static dev.storesync.testing.Api.as;
import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimFulfillment;
import dev.storesync.shopify.sim.SimFulfillmentOrder;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.testing.ConnectedShop;
import dev.storesync.testing.FulfillmentWebhooks;
import dev.storesync.testing.Orders;
import dev.storesync.testing.SignedWebhooks;
import dev.storesync.testing.Vendors;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * fulfillments/create|update (also fulfillments made in the Shopify admin) and fulfillment order
 * holds, as the orders dashboard shows them: the order's tracking and carrier state, and its timeline.
 */
@QuarkusTest
class FulfillmentTrackingTest {

    private static final Duration WITHIN = Duration.ofSeconds(20);

    @InjectShopifySimulator
    ShopifySimulator sim;

    private ConnectedShop store;
    private String vendorName;
    private String vendorKey;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void connect() {
        store = ConnectedShop.connect(sim, "tracking");
        FulfillmentWebhooks.on(store);
        Vendors.Vendor vendor = Vendors.create("Hasami Ware");
        vendorName = vendor.name();
        vendorKey = vendor.key();
    }

    @Test
    void shouldRecordAFulfillmentMadeInTheShopifyAdminWithItsTrackingAndCarrierUpdates() {
        SimOrder order = store.shop.order().line("TEA-1", 2, vendorName).createRouted();
        store.importOrder(order);

        SimFulfillment fulfillment = order.fulfillmentOrders().get(0).fulfil("ADMIN-1");
        awaitTimeline(order, List.of("fulfillment_created_externally", "order_imported"));
        JsonPath listed = listed(order);
        assertThat(listed.getString("tracking.number")).isEqualTo("ADMIN-1");
        assertThat(listed.getString("tracking.status")).isNull();
        JsonPath created = timeline(order);
        assertThat(created.getString("events[0].details.fulfillmentId")).isEqualTo(fulfillment.id());
        assertThat(created.getString("events[0].details.tracking.number")).isEqualTo("ADMIN-1");
        assertThat(created.getString("events[0].details.status")).isEqualTo("success");

        fulfillment.shipmentStatus("in_transit");
        awaitTimeline(order, List.of("fulfillment_updated", "fulfillment_created_externally", "order_imported"));
        assertThat(listed(order).getString("tracking.status")).isEqualTo("in_transit");
        JsonPath updated = timeline(order);
        assertThat(updated.getString("events[0].details.shipmentStatusFrom")).isNull();
        assertThat(updated.getString("events[0].details.shipmentStatus")).isEqualTo("in_transit");

        fulfillment.updateTracking("ADMIN-2", "Sagawa", "https://track.example/ADMIN-2");
        awaitTimeline(order, List.of("tracking_updated", "fulfillment_updated", "fulfillment_created_externally",
                "order_imported"));
        JsonPath retracked = timeline(order);
        assertThat(retracked.getString("events[0].details.from.number")).isEqualTo("ADMIN-1");
        assertThat(retracked.getString("events[0].details.number")).isEqualTo("ADMIN-2");
        JsonPath now = listed(order);
        assertThat(now.getString("tracking.number")).isEqualTo("ADMIN-2");
        assertThat(now.getString("tracking.carrier")).isEqualTo("Sagawa");
        assertThat(now.getString("tracking.url")).isEqualTo("https://track.example/ADMIN-2");

        fulfillment.shipmentStatus("delivered");
        awaitTimeline(order, List.of("fulfillment_updated", "tracking_updated", "fulfillment_updated",
                "fulfillment_created_externally", "order_imported"));
        assertThat(listed(order).getString("tracking.status")).isEqualTo("delivered");
    }

    @Test
    void shouldCountAnExternalFulfillmentAsShippedSoTheOrderNeedsNoTracking() {
        SimOrder order = store.shop.order().line("PLATE-5", 1, vendorName)
                .createdAt(Instant.now().minus(Duration.ofHours(3)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                .createRouted();
        store.importOrder(order);
        await().atMost(WITHIN).until(() -> names(Map.of("tab", "tracking_pending")).contains(order.name()));

        order.fulfillmentOrders().get(0).fulfil("ADMIN-3");
        await().atMost(WITHIN).until(() -> !names(Map.of("tab", "tracking_pending")).contains(order.name()));
        assertThat(listed(order).getList("alerts")).isEmpty();
    }

    @Test
    void shouldRecordOurOwnFulfillmentWithoutCallingItExternal() {
        SimOrder order = store.shop.order().line("MUG-3", 1, vendorName).createRouted();
        long orderId = store.importOrder(order);
        long lineId = ConnectedShop.lineIds(orderId).get("MUG-3");
        String tracking = "OWN-" + UUID.randomUUID();
        long shipmentId = as(vendorKey).body(Map.of("lines", List.of(Map.of("lineItemId", lineId, "quantity", 1)),
                "trackingNumber", tracking, "carrier", "Yamato")).post("/orders/" + orderId + "/shipments")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        awaitTimeline(order, List.of("shipment_synced", "shipment_registered", "order_imported"));

        store.shop.fulfillments(order.id()).get(0).shipmentStatus("out_for_delivery");
        awaitTimeline(order, List.of("fulfillment_updated", "shipment_synced", "shipment_registered", "order_imported"));
        JsonPath updated = timeline(order);
        assertThat(updated.getLong("events[0].details.shipmentId")).isEqualTo(shipmentId);
        assertThat(updated.getString("events[0].details.shipmentStatus")).isEqualTo("out_for_delivery");
        JsonPath listed = listed(order);
        assertThat(listed.getString("tracking.number")).isEqualTo(tracking);
        assertThat(listed.getString("tracking.status")).isEqualTo("out_for_delivery");
    }

    @Test
    void shouldIgnoreAnOlderReportOfAFulfillment() {
        SimOrder order = store.shop.order().line("BOX-1", 1, vendorName).createRouted();
        store.importOrder(order);
        SimFulfillment fulfillment = order.fulfillmentOrders().get(0).fulfil("OLD-1");
        // The inbox runs deliveries concurrently, so a create and an update sent together may be applied
        // in either order (the final state is the same); this test needs the update applied second.
        awaitTimeline(order, List.of("fulfillment_created_externally", "order_imported"));
        fulfillment.shipmentStatus("delivered");
        awaitTimeline(order, List.of("fulfillment_updated", "fulfillment_created_externally", "order_imported"));

        JsonObject stale = fulfillment.webhookPayload().put("shipment_status", "in_transit")
                .put("updated_at", fulfillment.createdAt().minusSeconds(60).toString());
        SignedWebhooks.Delivery delivery = SignedWebhooks.delivery("fulfillments/update", store.domain, stale.encode());
        delivery.post().then().statusCode(200);
        Orders.awaitProcessed(store.domain, delivery.webhookId());
        assertThat(timeline(order).getList("events.event", String.class))
                .containsExactly("fulfillment_updated", "fulfillment_created_externally", "order_imported");
        assertThat(listed(order).getString("tracking.status")).isEqualTo("delivered");
    }

    @Test
    void shouldProcessShopifysSamplePayloadForAnOrderWeDoNotHold() {
        SignedWebhooks.Delivery delivery = SignedWebhooks.delivery("fulfillments/update", store.domain,
                SignedWebhooks.sample("fulfillments_update.json"));
        delivery.post().then().statusCode(200);
        // Read and skipped (the order is not ours), not discarded as unreadable.
        Orders.awaitProcessed(store.domain, delivery.webhookId());
    }

    @Test
    void shouldWriteHoldsPlacedAndReleasedOnTheTimeline() {
        SimOrder order = store.shop.order().line("TRAY-2", 1, vendorName).createRouted();
        store.importOrder(order);
        SimFulfillmentOrder fo = order.fulfillmentOrders().get(0).placeOnHold("AWAITING_PAYMENT", "bank transfer pending");

        SignedWebhooks.delivery("fulfillment_orders/placed_on_hold", store.domain, new JsonObject()
                .put("fulfillment_order", new JsonObject().put("id", fo.id()).put("status", "on_hold"))
                .put("created_fulfillment_hold", new JsonObject().put("reason", "awaiting_payment")
                        .put("reason_notes", "bank transfer pending")).encode()).post().then().statusCode(200);
        awaitTimeline(order, List.of("fulfillment_hold_placed", "order_imported"));
        JsonPath placed = timeline(order);
        assertThat(placed.getString("events[0].details.fulfillmentOrderId")).isEqualTo(fo.id());
        assertThat(placed.getString("events[0].details.reason")).isEqualTo("awaiting_payment");
        assertThat(placed.getString("events[0].details.reasonNotes")).isEqualTo("bank transfer pending");

        fo.releaseHolds();
        SignedWebhooks.delivery("fulfillment_orders/hold_released", store.domain, new JsonObject()
                .put("fulfillment_order", new JsonObject().put("id", fo.id()).put("status", "open")).encode())
                .post().then().statusCode(200);
        awaitTimeline(order, List.of("fulfillment_hold_released", "fulfillment_hold_placed", "order_imported"));
    }

    // --- helpers ------------------------------------------------------------------------------------

    private JsonPath timeline(SimOrder order) {
        return asAdmin().queryParam("shop_domain", store.domain).get("/sync/orders/{id}/timeline", order.id())
                .then().statusCode(200).extract().jsonPath();
    }

    private void awaitTimeline(SimOrder order, List<String> newestFirst) {
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(timeline(order).getList("events.event", String.class)).isEqualTo(newestFirst));
    }

    private List<String> names(Map<String, String> params) {
        return asAdmin().queryParams(params).queryParam("shop_domain", store.domain).get("/sync/orders").then()
                .statusCode(200).extract().jsonPath().getList("orders.name", String.class);
    }

    private JsonPath listed(SimOrder order) {
        JsonPath page = asAdmin().queryParam("shop_domain", store.domain).queryParam("pageSize", 100).get("/sync/orders")
                .then().statusCode(200).extract().jsonPath();
        int index = page.getList("orders.id", String.class).indexOf(order.id());
        assertThat(index).as("order listed").isGreaterThanOrEqualTo(0);
        return page.setRootPath("orders[" + index + "]");
    }
}
