package dev.storesync.shipments;

import static dev.storesync.testing.Api.as;
import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.storesync.kernel.Instance;
import dev.storesync.kernel.ShutdownConfig;
import dev.storesync.shipments.sync.FulfillmentSync;
import dev.storesync.shipments.sync.ShipmentSyncWorker;
import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimFulfillment;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.testing.ConnectedShop;
import dev.storesync.testing.SignedWebhooks;
import dev.storesync.testing.Vendors;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Shipments registered with StoreSync end up as fulfillments in the Shopify simulator. */
@QuarkusTest
class FulfillmentSyncTest {

    @InjectShopifySimulator
    ShopifySimulator sim;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ShipmentRepository repository;

    @Inject
    FulfillmentSync sync;

    @Inject
    FulfillmentConfig config;

    @Inject
    ShutdownConfig shutdown;
    @Inject
    Instance instance;

    private ConnectedShop store;
    private String vendorName;
    private String vendorKey;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void connect() {
        store = ConnectedShop.connect(sim, "sync");
        Vendors.Vendor vendor = Vendors.create("Kyoto Ceramics");
        vendorName = vendor.name();
        vendorKey = vendor.key();
    }

    private long register(long orderId, long lineId, int quantity, String tracking) {
        return as(vendorKey).body(Map.of("lines", List.of(Map.of("lineItemId", lineId, "quantity", quantity)),
                "trackingNumber", tracking, "carrier", "ヤマト運輸", "notifyCustomer", true))
                .post("/orders/" + orderId + "/shipments").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private JsonPath shipment(long id) {
        return as(vendorKey).get("/shipments/" + id).then().statusCode(200).extract().jsonPath();
    }

    private void awaitSyncStatus(long id, String status, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(shipment(id).getString("syncStatus")).isEqualTo(status));
    }

    @Test
    void shouldCreateTheFulfillmentWithTheRightLinesAndTracking() {
        SimOrder order = store.shop.order().line("CUP-1", 3, vendorName).line("PLATE-1", 1, "Other Vendor").createRouted();
        long orderId = store.importOrder(order);
        long lineId = ConnectedShop.lineIds(orderId).get("CUP-1");

        long shipmentId = register(orderId, lineId, 2, "4455-6677-8899");
        awaitSyncStatus(shipmentId, "synced", Duration.ofSeconds(15));

        List<SimFulfillment> fulfillments = store.shop.fulfillments(order.id());
        assertThat(fulfillments).hasSize(1);
        SimFulfillment f = fulfillments.get(0);
        assertThat(f.trackingInfo()).extracting(SimFulfillment.TrackingInfo::number).containsExactly("4455-6677-8899");
        assertThat(f.trackingInfo()).extracting(SimFulfillment.TrackingInfo::company).containsExactly("Yamato (JA)");
        assertThat(f.notifyCustomer()).isTrue();
        assertThat(f.quantitiesByLineItem()).containsExactly(Map.entry(order.lineItem("CUP-1").id(), 2));

        JsonPath view = shipment(shipmentId);
        assertThat(view.getList("shopifyFulfillmentIds", String.class)).containsExactly(f.id());
        assertThat(view.getString("statusLabel.ja")).isEqualTo("発送済み (Shopify同期済み)");
        assertThat(view.getInt("syncRetryCount")).isZero();
        assertThat(view.getList("syncHistory.outcome", String.class)).containsExactly("synced");
    }

    @Test
    void shouldShipOneLinePartlyInTwoShipments() {
        SimOrder order = store.shop.order().line("BOWL-1", 3, vendorName).createRouted();
        long orderId = store.importOrder(order);
        long lineId = ConnectedShop.lineIds(orderId).get("BOWL-1");

        long first = register(orderId, lineId, 2, "TRK-A-" + UUID.randomUUID());
        awaitSyncStatus(first, "synced", Duration.ofSeconds(15));
        long second = register(orderId, lineId, 1, "TRK-B-" + UUID.randomUUID());
        awaitSyncStatus(second, "synced", Duration.ofSeconds(15));

        assertThat(store.shop.fulfillments(order.id())).hasSize(2);
        assertThat(order.fulfillmentOrders().get(0).remainingQuantity()).isZero();
        as(vendorKey).body(Map.of("lines", List.of(Map.of("lineItemId", lineId, "quantity", 1)), "trackingNumber", "X"))
                .post("/orders/" + orderId + "/shipments").then().statusCode(422)
                .body("errors[0].field", equalTo("lines[0].quantity"));
    }

    @Test
    void shouldRetryOnScheduleUntilShopifyCreatesTheFulfillmentOrder() {
        SimOrder order = store.shop.order().line("VASE-1", 1, vendorName).create();
        long orderId = store.importOrder(order);
        long shipmentId = register(orderId, ConnectedShop.lineIds(orderId).get("VASE-1"), 1, "TRK-" + UUID.randomUUID());

        await().atMost(Duration.ofSeconds(15)).until(() -> shipment(shipmentId).getInt("syncRetryCount") >= 3);
        JsonPath waiting = shipment(shipmentId);
        assertThat(waiting.getString("syncStatus")).isEqualTo("pending");
        assertThat(waiting.getString("lastError.code")).isEqualTo("fo_missing");
        assertThat(waiting.getString("statusLabel.en")).startsWith("shipped (unsynced)").contains("Retrying automatically at");
        assertThat(waiting.getString("statusLabel.ja")).startsWith("発送済み (未同期)").contains("自動で再試行します");
        List<Map<String, String>> history = waiting.getList("syncHistory");
        // base 1 s in tests (5 min in production): waits of 1, 2, 4 s
        for (int i = 0; i < 3; i++) {
            Duration wait = Duration.between(Instant.parse(history.get(i).get("at")), Instant.parse(history.get(i).get("nextAttemptAt")));
            long expected = config.retryBase().toMillis() << i;
            assertThat(wait.toMillis()).as("wait after attempt %d", i + 1).isBetween(expected - 50, expected + 1000);
            assertThat(history.get(i).get("outcome")).isEqualTo("waiting");
        }

        order.route();
        awaitSyncStatus(shipmentId, "synced", Duration.ofSeconds(20));
        assertThat(store.shop.fulfillments(order.id())).hasSize(1);
    }

    @Test
    void shouldGiveUpForAnOperatorAfterTheLastAttempt() throws Exception {
        SimOrder order = store.shop.order().line("NEVER-1", 1, vendorName).create();
        long orderId = store.importOrder(order);
        long shipmentId = register(orderId, ConnectedShop.lineIds(orderId).get("NEVER-1"), 1, "TRK-" + UUID.randomUUID());
        await().atMost(Duration.ofSeconds(10)).until(() -> shipment(shipmentId).getInt("syncRetryCount") >= 1);
        // As if it had waited through all but the last of its attempts.
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE shipments SET sync_retry_count = ?, sync_pending_until = now() WHERE id = ?")) {
            ps.setInt(1, config.maxAttempts() - 1);
            ps.setLong(2, shipmentId);
            ps.executeUpdate();
        }

        awaitSyncStatus(shipmentId, "failed", Duration.ofSeconds(10));
        JsonPath view = shipment(shipmentId);
        assertThat(view.getString("lastError.code")).isEqualTo("fo_missing_gave_up");
        assertThat(view.getString("lastError.en")).contains("Gave up after " + config.maxAttempts() + " attempts");
        assertThat(view.getString("statusLabel.ja")).startsWith("発送済み (同期失敗・対応が必要)");

        order.route();
        asAdmin().post("/shipments/" + shipmentId + "/retry").then().statusCode(200);
        awaitSyncStatus(shipmentId, "synced", Duration.ofSeconds(10));
    }

    @Test
    void shouldSyncWithinSecondsWhenShopifySignalsRoutingComplete() throws Exception {
        SimOrder order = store.shop.order().line("MUG-1", 1, vendorName).create();
        long orderId = store.importOrder(order);
        long shipmentId = register(orderId, ConnectedShop.lineIds(orderId).get("MUG-1"), 1, "TRK-" + UUID.randomUUID());
        await().atMost(Duration.ofSeconds(10)).until(() -> shipment(shipmentId).getInt("syncRetryCount") >= 1);
        // As in production, where the next attempt would be minutes away.
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE shipments SET sync_pending_until = now() + interval '1 hour' WHERE id = ?")) {
            ps.setLong(1, shipmentId);
            ps.executeUpdate();
        }

        String foId = order.route().get(0).id();
        String body = "{\"fulfillment_order\":{\"id\":\"" + foId + "\",\"status\":\"open\"}}";
        SignedWebhooks.delivery("fulfillment_orders/order_routing_complete", store.domain, body).post().then().statusCode(200);

        awaitSyncStatus(shipmentId, "synced", Duration.ofSeconds(5));
    }

    @Test
    void shouldRetryAtOnceWhenShopifySignalsDuringAnAttempt() throws Exception {
        SimOrder order = store.shop.order().line("RACE-1", 1, vendorName).create();
        long orderId = store.importOrder(order);
        long shipmentId = register(orderId, ConnectedShop.lineIds(orderId).get("RACE-1"), 1, "TRK-" + UUID.randomUUID());
        await().atMost(Duration.ofSeconds(10)).until(() -> shipment(shipmentId).getInt("syncRetryCount") >= 1);
        String firstClaim = claimToken(shipmentId);

        sim.faults().next(1).shop(store.domain).operation("SyncFulfillmentOrders").delay(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> !java.util.Objects.equals(claimToken(shipmentId), firstClaim));
        // What the fulfillment_orders/* handler does, while attempt 2 waits for Shopify.
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE shipments SET sync_pending_until = now(), sync_nudged_at = now() WHERE id = ?")) {
            ps.setLong(1, shipmentId);
            ps.executeUpdate();
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> shipment(shipmentId).getInt("syncRetryCount") >= 2);
        List<Map<String, String>> history = shipment(shipmentId).getList("syncHistory");
        Duration scheduled = Duration.between(Instant.parse(history.get(1).get("at")),
                Instant.parse(history.get(1).get("nextAttemptAt")));
        assertThat(scheduled).isLessThan(Duration.ofMillis(500));
    }

    @Test
    void shouldSyncWhenAHoldIsReleased() {
        SimOrder order = store.shop.order().line("TRAY-1", 1, vendorName).create();
        var fo = order.fulfillmentOrder().lines("TRAY-1").create().placeOnHold("AWAITING_PAYMENT", "bank transfer");
        long orderId = store.importOrder(order);
        long shipmentId = register(orderId, ConnectedShop.lineIds(orderId).get("TRAY-1"), 1, "TRK-" + UUID.randomUUID());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(shipment(shipmentId).getString("lastError.en"))
                .contains("on hold"));

        fo.releaseHolds();
        SignedWebhooks.delivery("fulfillment_orders/hold_released", store.domain,
                "{\"fulfillment_order\":{\"id\":\"" + fo.id() + "\",\"status\":\"open\"}}").post().then().statusCode(200);
        awaitSyncStatus(shipmentId, "synced", Duration.ofSeconds(10));
    }

    @Test
    void shouldCreateExactlyOneFulfillmentWhenShopifyFailsAfterCreating() {
        SimOrder order = store.shop.order().line("POT-1", 1, vendorName).createRouted();
        long orderId = store.importOrder(order);
        sim.faults().next(1).shop(store.domain).operation("FulfillmentCreate").executeThenStatus(502);

        long shipmentId = register(orderId, ConnectedShop.lineIds(orderId).get("POT-1"), 1, "TRK-" + UUID.randomUUID());
        awaitSyncStatus(shipmentId, "synced", Duration.ofSeconds(15));

        assertThat(store.shop.fulfillments(order.id())).hasSize(1);
        assertThat(shipment(shipmentId).getList("syncHistory.outcome", String.class)).containsExactly("retrying", "adopted");
    }

    @Test
    void shouldFinishAShipmentSplitOverTwoLocationsAfterTheSecondCreateFailed() throws Exception {
        SimOrder order = store.shop.order().line("SPLIT-1", 3, vendorName).create();
        var warehouse = store.shop.addLocation("Osaka warehouse");
        order.fulfillmentOrder().line(order.lineItem("SPLIT-1"), 1).create();
        order.fulfillmentOrder().location(warehouse).line(order.lineItem("SPLIT-1"), 2).create();
        long orderId = store.importOrder(order);
        int injectedBefore = sim.faults().injectedCount();
        sim.faults().next(1).shop(store.domain).operation("FulfillmentCreate").delay(Duration.ofMillis(1500));

        long shipmentId = register(orderId, ConnectedShop.lineIds(orderId).get("SPLIT-1"), 3, "TRK-" + UUID.randomUUID());
        // The first location's create has reached Shopify (its delay was applied); the second location's will fail.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> sim.faults().injectedCount() > injectedBefore);
        sim.faults().next(1).shop(store.domain).operation("FulfillmentCreate").status(503);

        awaitSyncStatus(shipmentId, "synced", Duration.ofSeconds(15));
        List<SimFulfillment> fulfillments = store.shop.fulfillments(order.id());
        assertThat(fulfillments).hasSize(2);
        assertThat(fulfillments.stream().mapToInt(f -> f.quantitiesByLineItem().values().stream().mapToInt(Integer::intValue).sum()).sum())
                .isEqualTo(3);
        assertThat(shipment(shipmentId).getList("shopifyFulfillmentIds", String.class))
                .containsExactlyInAnyOrderElementsOf(fulfillments.stream().map(SimFulfillment::id).toList());
    }

    @Test
    void shouldFailWithGuidanceWhenShopifyHasNothingLeftToFulfil() {
        SimOrder order = store.shop.order().line("LID-1", 1, vendorName).createRouted();
        long orderId = store.importOrder(order);
        order.fulfillmentOrders().get(0).close();

        long shipmentId = register(orderId, ConnectedShop.lineIds(orderId).get("LID-1"), 1, "TRK-" + UUID.randomUUID());
        awaitSyncStatus(shipmentId, "failed", Duration.ofSeconds(10));
        JsonPath view = shipment(shipmentId);
        assertThat(view.getString("lastError.code")).isEqualTo("quantity_exceeds_fulfillable");
        assertThat(view.getString("lastError.en")).contains("only 0 left to fulfil");
        assertThat(view.getString("lastError.ja")).contains("Shopify上の未発送数は 0");
        assertThat(view.getString("statusLabel.ja")).startsWith("発送済み (同期失敗・対応が必要)");

        order.fulfillmentOrders().get(0).open();
        asAdmin().post("/shipments/" + shipmentId + "/retry").then().statusCode(200);
        awaitSyncStatus(shipmentId, "synced", Duration.ofSeconds(10));
    }

    @Test
    void shouldCancelTheShopifyFulfillmentAndReleaseTheQuantity() {
        SimOrder order = store.shop.order().line("JAR-1", 2, vendorName).createRouted();
        long orderId = store.importOrder(order);
        long lineId = ConnectedShop.lineIds(orderId).get("JAR-1");
        long shipmentId = register(orderId, lineId, 2, "TRK-" + UUID.randomUUID());
        awaitSyncStatus(shipmentId, "synced", Duration.ofSeconds(15));

        as(vendorKey).post("/shipments/" + shipmentId + "/cancel").then().statusCode(200)
                .body("status", equalTo("cancelled")).body("statusLabel.ja", equalTo("未発送に戻しました"));
        as(vendorKey).post("/shipments/" + shipmentId + "/cancel").then().statusCode(200).body("status", equalTo("cancelled"));

        assertThat(store.shop.fulfillments(order.id())).extracting(SimFulfillment::status).containsExactly("CANCELLED");
        assertThat(order.fulfillmentOrders().get(0).remainingQuantity()).isEqualTo(2);
        long again = register(orderId, lineId, 2, "TRK-" + UUID.randomUUID());
        awaitSyncStatus(again, "synced", Duration.ofSeconds(15));
    }

    @Test
    void shouldExplainFulfillmentOrdersLineByLine() {
        SimOrder order = store.shop.order().line("A-1", 1, vendorName).line("B-1", 1, vendorName).digitalLine("GIFT-1", 1).create();
        order.fulfillmentOrder().lines("A-1").create();
        order.fulfillmentOrder().lines("B-1").create().placeOnHold("HIGH_RISK_OF_FRAUD", null);
        long orderId = store.importOrder(order);

        JsonPath report = asAdmin().get("/orders/" + orderId + "/fulfillment-orders/diagnostics").then().statusCode(200)
                .extract().jsonPath();
        assertThat(report.getBoolean("fulfillmentOrdersGenerated")).isTrue();
        assertThat(report.getBoolean("allShippableLinesFulfillable")).isFalse();
        assertThat(report.getString("lines.find { it.sku == 'A-1' }.verdict")).isEqualTo("fulfillable");
        assertThat(report.getString("lines.find { it.sku == 'B-1' }.verdict")).isEqualTo("on_hold");
        assertThat(report.getString("lines.find { it.sku == 'B-1' }.fulfillmentOrders[0].holds[0]")).contains("HIGH_RISK_OF_FRAUD");
        assertThat(report.getString("lines.find { it.sku == 'GIFT-1' }.verdict")).isEqualTo("no_shipping_needed");
        as(vendorKey).get("/orders/" + orderId + "/fulfillment-orders/diagnostics").then().statusCode(403);
    }

    @Test
    void shouldSyncEachShipmentOnceWithTwoWorkersOnOneDatabase() {
        List<SimOrder> orders = new ArrayList<>();
        List<Long> shipments = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            SimOrder order = store.shop.order().line("SET-" + i, 1, vendorName).create();
            orders.add(order);
            long orderId = store.importOrder(order);
            shipments.add(register(orderId, ConnectedShop.lineIds(orderId).get("SET-" + i), 1, "TRK-" + UUID.randomUUID()));
        }
        orders.forEach(SimOrder::route);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE shipments SET sync_pending_until = now() WHERE id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("bigint", shipments.toArray()));
            ps.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        ShipmentSyncWorker second = new ShipmentSyncWorker(repository, sync, config, shutdown, instance);
        ShipmentSyncWorker third = new ShipmentSyncWorker(repository, sync, config, shutdown, instance);
        CompletableFuture<Integer> a = second.round().subscribeAsCompletionStage();
        CompletableFuture<Integer> b = third.round().subscribeAsCompletionStage();
        CompletableFuture.allOf(a, b).join();

        shipments.forEach(id -> awaitSyncStatus(id, "synced", Duration.ofSeconds(20)));
        for (SimOrder order : orders) {
            assertThat(store.shop.fulfillments(order.id())).as(order.name()).hasSize(1);
        }
        assertThat(sim.operations(store.domain, "FulfillmentCreate")).hasSize(orders.size());
    }

    @Test
    void shouldNotCreateWhenAnotherWorkerTookTheClaimOver() throws Exception {
        SimOrder order = store.shop.order().line("SLOW-1", 1, vendorName).createRouted();
        long orderId = store.importOrder(order);
        sim.faults().next(1).shop(store.domain).operation("SyncFulfillmentOrders").delay(Duration.ofSeconds(3));
        long shipmentId = register(orderId, ConnectedShop.lineIds(orderId).get("SLOW-1"), 1, "TRK-" + UUID.randomUUID());

        // While the first worker waits for Shopify, its lease is taken over (as after a long stall).
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() -> claimToken(shipmentId) != null);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        UPDATE shipments SET sync_claim_token = gen_random_uuid(),
                               sync_claimed_until = now() + interval '1 hour' WHERE id = ?""")) {
            ps.setLong(1, shipmentId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        // The first worker's read comes back; right after it, it would create if it did not check its claim.
        await().atMost(Duration.ofSeconds(6)).until(() -> !sim.operations(store.domain, "SyncFulfillmentOrders").isEmpty());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> sim.operations(store.domain, "FulfillmentCreate").isEmpty());
        assertThat(shipment(shipmentId).getString("syncStatus")).isEqualTo("pending");

        // The claim's holder "dies": the lease ends and the shipment is synced, once.
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE shipments SET sync_claimed_until = now() WHERE id = ?")) {
            ps.setLong(1, shipmentId);
            ps.executeUpdate();
        }
        awaitSyncStatus(shipmentId, "synced", Duration.ofSeconds(10));
        assertThat(store.shop.fulfillments(order.id())).hasSize(1);
    }

    private String claimToken(long shipmentId) throws java.sql.SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT sync_claim_token FROM shipments WHERE id = ?")) {
            ps.setLong(1, shipmentId);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void shouldHoldShipmentsOfAPausedShopAndSyncThemOnResume() {
        SimOrder order = store.shop.order().line("CAN-1", 1, vendorName).createRouted();
        long orderId = store.importOrder(order);
        asAdmin().body(Map.of("reason", "Merchant asked to stop")).post("/admin/shops/" + store.shopId + "/pause").then().statusCode(200);
        long shipmentId = register(orderId, ConnectedShop.lineIds(orderId).get("CAN-1"), 1, "TRK-" + UUID.randomUUID());

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .untilAsserted(() -> assertThat(shipment(shipmentId).getString("syncStatus")).isEqualTo("pending"));
        assertThat(sim.operations(store.domain, "SyncFulfillmentOrders")).isEmpty();

        asAdmin().post("/admin/shops/" + store.shopId + "/resume").then().statusCode(200);
        awaitSyncStatus(shipmentId, "synced", Duration.ofSeconds(10));
    }

    @Test
    void shouldHoldShipmentsWhenShopifySaysTheShopIsFrozen() {
        SimOrder order = store.shop.order().line("ICE-1", 1, vendorName).createRouted();
        long orderId = store.importOrder(order);
        sim.faults().next(1).shop(store.domain).operation("SyncFulfillmentOrders").status(402);
        long shipmentId = register(orderId, ConnectedShop.lineIds(orderId).get("ICE-1"), 1, "TRK-" + UUID.randomUUID());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonPath view = shipment(shipmentId);
            assertThat(view.getString("syncStatus")).isEqualTo("pending");
            assertThat(view.getString("lastError.code")).isEqualTo("shop_unavailable");
            assertThat(view.getString("lastError.ja")).contains("凍結");
        });
        asAdmin().get("/admin/shops/" + store.shopId).then().body("state", equalTo("paused"));
        asAdmin().post("/admin/shops/" + store.shopId + "/resume").then().statusCode(200);
        awaitSyncStatus(shipmentId, "synced", Duration.ofSeconds(10));
    }
}
