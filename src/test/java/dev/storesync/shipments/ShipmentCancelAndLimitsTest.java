package dev.storesync.shipments;

import static dev.storesync.testing.Api.as;
import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimFulfillment;
import dev.storesync.shopify.sim.SimLineItem;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.testing.ConnectedShop;
import dev.storesync.testing.SignedWebhooks;
import dev.storesync.testing.Vendors;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cancelling shipments against what Shopify really does (refusals, fulfillments cancelled by hand,
 * creates still in flight), orders with more fulfillment orders and lines than one query returns,
 * and the limits of the retry schedules.
 */
@QuarkusTest
class ShipmentCancelAndLimitsTest {

    @InjectShopifySimulator
    ShopifySimulator sim;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ShipmentRepository repository;

    @Inject
    FulfillmentConfig config;

    private ConnectedShop store;
    private String vendorName;
    private String vendorKey;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void connect() {
        store = ConnectedShop.connect(sim, "cancel");
        Vendors.Vendor vendor = Vendors.create("Nara Lacquer");
        vendorName = vendor.name();
        vendorKey = vendor.key();
    }

    private long register(long orderId, Map<Long, Integer> quantities) {
        List<Map<String, Object>> lines = new ArrayList<>();
        quantities.forEach((line, quantity) -> lines.add(Map.of("lineItemId", line, "quantity", quantity)));
        return as(vendorKey).body(Map.of("lines", lines, "trackingNumber", "TRK-" + UUID.randomUUID(), "carrier", "佐川急便"))
                .post("/orders/" + orderId + "/shipments").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private long registerOne(long orderId, String sku, int quantity) {
        return register(orderId, Map.of(ConnectedShop.lineIds(orderId).get(sku), quantity));
    }

    /** Registers a shipment and returns once its first fulfillmentCreate is at Shopify, held there for 2 s. */
    private long registerWhileShopifyHoldsTheCreate(long orderId, String sku, int quantity) {
        int injectedBefore = sim.faults().injectedCount();
        sim.faults().next(1).shop(store.domain).operation("FulfillmentCreate").delay(Duration.ofSeconds(2));
        long shipmentId = registerOne(orderId, sku, quantity);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> sim.faults().injectedCount() > injectedBefore);
        return shipmentId;
    }

    private JsonPath shipment(long id) {
        return as(vendorKey).get("/shipments/" + id).then().statusCode(200).extract().jsonPath();
    }

    private void awaitSyncStatus(long id, String status, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(shipment(id).getString("syncStatus")).isEqualTo(status));
    }

    private void sql(String statement, long shipmentId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
            ps.setLong(1, shipmentId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- cancel ----------------------------------------------------------------------------------

    @Test
    void shouldAnswer502AndChangeNothingWhenShopifyRefusesTheCancel() {
        SimOrder order = store.shop.order().line("BOX-1", 1, vendorName).createRouted();
        long orderId = store.importOrder(order);
        long shipmentId = registerOne(orderId, "BOX-1", 1);
        awaitSyncStatus(shipmentId, "synced", Duration.ofSeconds(15));
        SimFulfillment fulfillment = store.shop.fulfillments(order.id()).get(0).refuseCancel();

        as(vendorKey).post("/shipments/" + shipmentId + "/cancel").then().statusCode(502)
                .contentType("application/problem+json")
                .body("detail", containsString("Fulfillment cannot be canceled"));

        assertThat(fulfillment.status()).isEqualTo("SUCCESS");
        JsonPath view = shipment(shipmentId);
        assertThat(view.getString("status")).isEqualTo("shipped");
        assertThat(view.getString("syncStatus")).isEqualTo("synced");
        // The line is still taken: registering it again would fulfil it twice.
        as(vendorKey).body(Map.of("lines", List.of(Map.of("lineItemId", ConnectedShop.lineIds(orderId).get("BOX-1"),
                "quantity", 1)), "trackingNumber", "TRK-AGAIN")).post("/orders/" + orderId + "/shipments")
                .then().statusCode(422).body("errors[0].field", equalTo("lines[0].quantity"));
    }

    @Test
    void shouldCancelAShipmentWhoseFulfillmentWasAlreadyCancelledInShopify() {
        SimOrder order = store.shop.order().line("BAG-1", 2, vendorName).createRouted();
        long orderId = store.importOrder(order);
        long shipmentId = registerOne(orderId, "BAG-1", 2);
        awaitSyncStatus(shipmentId, "synced", Duration.ofSeconds(15));
        store.shop.fulfillments(order.id()).get(0).cancelInAdmin();

        as(vendorKey).post("/shipments/" + shipmentId + "/cancel").then().statusCode(200)
                .body("status", equalTo("cancelled"));
        assertThat(sim.operations(store.domain, "FulfillmentStatus")).isNotEmpty();
    }

    @Test
    void shouldUndoTheFulfillmentsOfACreateThatWasInFlightWhenTheShipmentWasCancelled() {
        SimOrder order = twoLocationOrder("DUO-1");
        long orderId = store.importOrder(order);
        long shipmentId = registerWhileShopifyHoldsTheCreate(orderId, "DUO-1", 3);

        // The first location's create is at Shopify; the shipment has no fulfillment yet.
        as(vendorKey).post("/shipments/" + shipmentId + "/cancel").then().statusCode(200)
                .body("status", equalTo("cancelled"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(shipment(shipmentId)
                .getList("syncHistory.errorCode", String.class)).contains("created_during_cancel"));
        List<SimFulfillment> fulfillments = store.shop.fulfillments(order.id());
        assertThat(fulfillments).hasSize(1);
        assertThat(fulfillments).extracting(SimFulfillment::status).containsExactly("CANCELLED");
        assertThat(order.fulfillmentOrders()).allSatisfy(fo -> assertThat(fo.remainingQuantity()).isPositive());
        assertThat(shipment(shipmentId).getString("statusLabel.en")).isEqualTo("cancelled (back to unshipped)");
    }

    @Test
    void shouldShowAFulfillmentThatCouldNotBeUndoneAndRetryItOnTheNextCancel() {
        SimOrder order = store.shop.order().line("SOLO-1", 1, vendorName).createRouted();
        long orderId = store.importOrder(order);
        long shipmentId = registerWhileShopifyHoldsTheCreate(orderId, "SOLO-1", 1);
        sim.faults().always().shop(store.domain).operation("FulfillmentCancel").status(503);

        as(vendorKey).post("/shipments/" + shipmentId + "/cancel").then().statusCode(200);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(shipment(shipmentId)
                .getString("lastError.code")).isEqualTo(ShipmentRepository.LIVE_AFTER_CANCEL));
        SimFulfillment live = store.shop.fulfillments(order.id()).get(0);
        assertThat(live.status()).isEqualTo("SUCCESS");
        JsonPath view = shipment(shipmentId);
        assertThat(view.getList("shopifyFulfillmentIds", String.class)).containsExactly(live.id());
        assertThat(view.getString("statusLabel.en")).startsWith("cancelled (back to unshipped), action needed")
                .contains(live.id());

        sim.faults().clear();
        as(vendorKey).post("/shipments/" + shipmentId + "/cancel").then().statusCode(200);
        assertThat(live.status()).isEqualTo("CANCELLED");
        assertThat(shipment(shipmentId).getString("lastError")).isNull();
    }

    @Test
    void shouldCancelAFulfillmentWhoseCreateAnswerWasLostBeforeTheShipmentRecordedIt() {
        SimOrder order = store.shop.order().line("LOST-1", 1, vendorName).create();
        long orderId = store.importOrder(order);
        long shipmentId = registerOne(orderId, "LOST-1", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> shipment(shipmentId).getInt("syncRetryCount") >= 1);
        sql("UPDATE shipments SET sync_pending_until = now() + interval '1 hour' WHERE id = ?", shipmentId);
        // A create reached Shopify, but its answer was lost: nothing here records the fulfillment.
        SimFulfillment lost = order.route().get(0).fulfil(shipment(shipmentId).getString("trackingNumber"));
        sql("UPDATE shipments SET sync_create_unconfirmed = TRUE WHERE id = ?", shipmentId);

        as(vendorKey).post("/shipments/" + shipmentId + "/cancel").then().statusCode(200)
                .body("status", equalTo("cancelled"));
        assertThat(lost.status()).isEqualTo("CANCELLED");
    }

    @Test
    void shouldRecordEachCreatedFulfillmentAtOnceSoACancelBetweenTwoLocationsCancelsIt() {
        SimOrder order = twoLocationOrder("PAIR-1");
        long orderId = store.importOrder(order);
        int injectedBefore = sim.faults().injectedCount();
        // The first location's create succeeds; the second one is held at Shopify.
        sim.faults().next(1).shop(store.domain).operation("FulfillmentCreate").delay(Duration.ZERO);
        sim.faults().next(1).shop(store.domain).operation("FulfillmentCreate").delay(Duration.ofSeconds(2));
        long shipmentId = registerOne(orderId, "PAIR-1", 3);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> sim.faults().injectedCount() >= injectedBefore + 2);
        String first = store.shop.fulfillments(order.id()).get(0).id();
        assertThat(shipment(shipmentId).getList("shopifyFulfillmentIds", String.class)).containsExactly(first);

        as(vendorKey).post("/shipments/" + shipmentId + "/cancel").then().statusCode(200)
                .body("status", equalTo("cancelled"));
        assertThat(store.shop.fulfillment(first).status()).isEqualTo("CANCELLED");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(store.shop.fulfillments(order.id()))
                .hasSize(2).extracting(SimFulfillment::status).containsOnly("CANCELLED"));
    }

    @Test
    void shouldNotCancelWhenASyncRecordedOtherFulfillmentsSinceTheyWereRead() {
        SimOrder order = store.shop.order().line("RACE-2", 1, vendorName).createRouted();
        long orderId = store.importOrder(order);
        long shipmentId = registerOne(orderId, "RACE-2", 1);
        awaitSyncStatus(shipmentId, "synced", Duration.ofSeconds(15));

        // What the cancel read before the sync committed: no fulfillments.
        assertThat(repository.cancel(shipmentId, List.of()).await().atMost(Duration.ofSeconds(5))).isFalse();
        assertThat(shipment(shipmentId).getString("status")).isEqualTo("shipped");

        List<String> now = shipment(shipmentId).getList("shopifyFulfillmentIds", String.class);
        assertThat(repository.cancel(shipmentId, now).await().atMost(Duration.ofSeconds(5))).isTrue();
        assertThat(shipment(shipmentId).getString("status")).isEqualTo("cancelled");
    }

    @Test
    void shouldRecordTheFulfillmentOfACreateInFlightWhenTheOrderIsCancelled() {
        SimOrder order = store.shop.order().line("LATE-1", 1, vendorName).createRouted();
        long orderId = store.importOrder(order);
        long shipmentId = registerWhileShopifyHoldsTheCreate(orderId, "LATE-1", 1);

        // orders/cancelled arrives while the create is at Shopify.
        Instant now = Instant.now();
        JsonObject cancelled = ConnectedShop.payload(order, now.plusSeconds(1)).put("cancelled_at", now.toString())
                .put("cancel_reason", "customer");
        SignedWebhooks.delivery("orders/cancelled", store.domain, cancelled.encode()).post().then().statusCode(200);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(store.shop.fulfillments(order.id())).hasSize(1));
        String created = store.shop.fulfillments(order.id()).get(0).id();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(shipment(shipmentId)
                .getList("shopifyFulfillmentIds", String.class)).containsExactly(created));
    }

    // --- fulfillment orders beyond one page --------------------------------------------------------

    @Test
    void shouldFulfilAndAdoptAcrossEightFulfillmentOrdersAndSixtyLines() {
        SimOrder.Builder builder = store.shop.order();
        for (int i = 1; i <= 60; i++) {
            builder.line("MANY-" + i, 1, vendorName);
        }
        SimOrder order = builder.create();
        List<SimLineItem> lines = order.lineItems();
        for (int i = 0; i < 7; i++) {
            order.fulfillmentOrder().line(lines.get(i), 1).create();
        }
        order.fulfillmentOrder().lines(lines.subList(7, 60)).create();
        long orderId = store.importOrder(order);
        // The create goes through but its answer is lost: the next attempt must find all 60 lines in Shopify.
        sim.faults().next(1).shop(store.domain).operation("FulfillmentCreate").executeThenStatus(502);

        Map<Long, Integer> all = new java.util.LinkedHashMap<>();
        ConnectedShop.lineIds(orderId).values().forEach(id -> all.put(id, 1));
        long shipmentId = register(orderId, all);
        awaitSyncStatus(shipmentId, "synced", Duration.ofSeconds(30));

        List<SimFulfillment> fulfillments = store.shop.fulfillments(order.id());
        assertThat(fulfillments).hasSize(1);
        assertThat(fulfillments.get(0).quantitiesByLineItem()).hasSize(60);
        assertThat(order.fulfillmentOrders()).hasSize(8).allSatisfy(fo -> assertThat(fo.remainingQuantity()).isZero());
        assertThat(shipment(shipmentId).getList("syncHistory.outcome", String.class)).containsExactly("retrying", "adopted");
        assertThat(sim.operations(store.domain, "SyncFulfillmentOrderLineItemsPage")).isNotEmpty();
        assertThat(sim.operations(store.domain, "SyncFulfillmentLineItemsPage")).isNotEmpty();
    }

    // --- retry limits -------------------------------------------------------------------------------

    @Test
    void shouldBackOffTransientFailuresUpToTheirCapAndGiveUpAfterTheirLimit() {
        SimOrder order = store.shop.order().line("DOWN-1", 1, vendorName).createRouted();
        long orderId = store.importOrder(order);
        sim.faults().always().shop(store.domain).operation("SyncFulfillmentOrders").status(503);
        long shipmentId = registerOne(orderId, "DOWN-1", 1);

        awaitSyncStatus(shipmentId, "failed", Duration.ofSeconds(40));
        sim.faults().clear();
        JsonPath view = shipment(shipmentId);
        assertThat(view.getString("lastError.code")).isEqualTo("shopify_unavailable_gave_up");
        assertThat(view.getString("lastError.en")).contains("Gave up after " + config.transientMaxAttempts());
        assertThat(view.getInt("syncRetryCount")).as("FO waits are counted apart").isZero();
        List<Map<String, String>> history = view.getList("syncHistory");
        assertThat(history).hasSize(config.transientMaxAttempts());
        long cap = config.transientRetryCap().toMillis();
        for (int i = 0; i < history.size() - 1; i++) {
            assertThat(history.get(i).get("outcome")).isEqualTo("retrying");
            long wait = Duration.between(Instant.parse(history.get(i).get("at")),
                    Instant.parse(history.get(i).get("nextAttemptAt"))).toMillis();
            long expected = Math.min(config.transientRetryBase().toMillis() << i, cap);
            assertThat(wait).as("wait after transient failure %d", i + 1).isBetween(expected - 50, expected + 50);
        }
        assertThat(history.get(history.size() - 1).get("outcome")).isEqualTo("failed");

        asAdmin().post("/shipments/" + shipmentId + "/retry").then().statusCode(200);
        awaitSyncStatus(shipmentId, "synced", Duration.ofSeconds(10));
    }

    @Test
    void shouldNotLetTransientFailuresUseUpTheWaitForAFulfillmentOrder() {
        SimOrder order = store.shop.order().line("WAIT-1", 1, vendorName).create();
        long orderId = store.importOrder(order);
        long shipmentId = registerOne(orderId, "WAIT-1", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> shipment(shipmentId).getInt("syncRetryCount") >= 1);
        // One FO wait short of giving up, then Shopify fails transiently.
        sim.faults().always().shop(store.domain).operation("SyncFulfillmentOrders").status(503);
        sql("UPDATE shipments SET sync_retry_count = " + (config.maxAttempts() - 2) + ", sync_pending_until = now() WHERE id = ?",
                shipmentId);
        await().atMost(Duration.ofSeconds(15)).until(() -> shipment(shipmentId).getList("syncHistory.outcome", String.class)
                .stream().filter("retrying"::equals).count() >= 3);
        sim.faults().clear();

        JsonPath view = shipment(shipmentId);
        assertThat(view.getString("syncStatus")).isEqualTo("pending");
        assertThat(view.getInt("syncRetryCount")).isEqualTo(config.maxAttempts() - 2);
        order.route();
        awaitSyncStatus(shipmentId, "synced", Duration.ofSeconds(15));
    }

    @Test
    void shouldGiveUpOnAFulfillmentOrderWaitAfterTheMaximumAge() {
        SimOrder order = store.shop.order().line("OLD-1", 1, vendorName).create();
        long orderId = store.importOrder(order);
        long shipmentId = registerOne(orderId, "OLD-1", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> shipment(shipmentId).getInt("syncRetryCount") >= 1);

        sql("UPDATE shipments SET created_at = now() - interval '" + (config.maxAge().toHours() + 1)
                + " hours', sync_pending_until = now() WHERE id = ?", shipmentId);

        awaitSyncStatus(shipmentId, "failed", Duration.ofSeconds(10));
        JsonPath view = shipment(shipmentId);
        assertThat(view.getString("lastError.code")).isEqualTo("fo_missing_gave_up");
        assertThat(view.getInt("syncRetryCount")).isLessThan(config.maxAttempts());
    }

    @Test
    void shouldSyncAtOnceWhenAScheduledFulfillmentOrderBecomesReady() {
        SimOrder order = store.shop.order().line("LATER-1", 1, vendorName).create();
        var fo = order.fulfillmentOrder().lines("LATER-1").scheduled(Instant.now().plus(Duration.ofDays(2))).create();
        long orderId = store.importOrder(order);
        long shipmentId = registerOne(orderId, "LATER-1", 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(shipment(shipmentId).getString("lastError.en"))
                .contains("scheduled to open"));
        sql("UPDATE shipments SET sync_pending_until = now() + interval '1 hour' WHERE id = ?", shipmentId);

        fo.open();
        SignedWebhooks.delivery("fulfillment_orders/scheduled_fulfillment_order_ready", store.domain,
                "{\"fulfillment_order\":{\"id\":\"" + fo.id() + "\",\"status\":\"open\"}}").post().then().statusCode(200);
        awaitSyncStatus(shipmentId, "synced", Duration.ofSeconds(5));
    }

    private SimOrder twoLocationOrder(String sku) {
        SimOrder order = store.shop.order().line(sku, 3, vendorName).create();
        var warehouse = store.shop.addLocation("Kobe warehouse " + UUID.randomUUID().toString().substring(0, 4));
        order.fulfillmentOrder().line(order.lineItem(sku), 1).create();
        order.fulfillmentOrder().location(warehouse).line(order.lineItem(sku), 2).create();
        return order;
    }
}
