package dev.storesync.ops;

import static dev.storesync.testing.Api.as;
import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.storesync.kernel.Instance;
import dev.storesync.kernel.ShutdownConfig;
import dev.storesync.shipments.FulfillmentConfig;
import dev.storesync.shipments.ShipmentRepository;
import dev.storesync.shipments.ShipmentRepository.Claim;
import dev.storesync.shipments.sync.FulfillmentSync;
import dev.storesync.shipments.sync.ShipmentSyncWorker;
import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.testing.ConnectedShop;
import dev.storesync.testing.Vendors;
import dev.storesync.webhooks.InboxRepository;
import dev.storesync.webhooks.InboxWorker;
import dev.storesync.webhooks.RecordingHandler;
import dev.storesync.webhooks.WebhookConfig;
import dev.storesync.webhooks.WebhookHandlers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A replica that stops hands back the work it claimed but did not start, so another replica does it
 * at once instead of after the lease; work whose handler is still running keeps its claim.
 */
@QuarkusTest
class GracefulShutdownTest {

    /** Well below the test leases (inbox 30 s, shipments one hour here): only a release explains it. */
    private static final Duration AT_ONCE = Duration.ofSeconds(20);

    @InjectShopifySimulator
    ShopifySimulator sim;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    InboxRepository inbox;
    @Inject
    WebhookHandlers handlers;
    @Inject
    WebhookConfig webhookConfig;
    @Inject
    Vertx vertx;
    @Inject
    RecordingHandler recorder;
    @Inject
    ShipmentRepository shipments;
    @Inject
    FulfillmentSync sync;
    @Inject
    FulfillmentConfig fulfillmentConfig;
    @Inject
    ShutdownConfig shutdown;
    @Inject
    Instance instance;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void shouldHandTheInboxRowsAStoppingReplicaClaimedToAnotherReplicaAtOnce() throws SQLException {
        String leaving = "leaving-" + UUID.randomUUID();
        String webhookId = "claimed-" + UUID.randomUUID();
        long claimed = insertClaimed(webhookId, leaving);
        InboxWorker worker = new InboxWorker(inbox, handlers, webhookConfig.dispatcher(), vertx, leaving);

        worker.stop();
        assertThat(worker.idle()).isTrue();
        assertThat(worker.release().await().atMost(AT_ONCE)).isEqualTo(1);

        await().atMost(AT_ONCE).untilAsserted(() -> asAdmin().get("/admin/webhooks/inbox/" + claimed).then()
                .statusCode(200)
                .body("state", equalTo("completed"))
                .body("attempt", equalTo(2))
                .body("errors[0].error", containsString("released: " + leaving)));
        assertThat(recorder.calls(webhookId)).isEqualTo(1);
    }

    @Test
    void shouldKeepTheClaimOfARowWhoseHandlerIsStillRunning() throws SQLException {
        String leaving = "leaving-" + UUID.randomUUID();
        long running = insertClaimed("running-" + UUID.randomUUID(), leaving);
        long waiting = insertClaimed("waiting-" + UUID.randomUUID(), leaving);

        assertThat(inbox.release(leaving, List.of(running)).await().atMost(AT_ONCE)).isEqualTo(1);

        await().atMost(AT_ONCE).untilAsserted(() -> asAdmin().get("/admin/webhooks/inbox/" + waiting).then()
                .statusCode(200).body("state", equalTo("completed")));
        asAdmin().get("/admin/webhooks/inbox/" + running).then().statusCode(200)
                .body("state", equalTo("running")).body("attempt", equalTo(1));
        execute("DELETE FROM webhook_inbox WHERE id = " + running);
    }

    @Test
    void shouldLetAnotherReplicaSyncAShipmentWhoseClaimAStoppingReplicaDropped() throws SQLException {
        ConnectedShop store = ConnectedShop.connect(sim, "leaving");
        Vendors.Vendor vendor = Vendors.create("Leaving Ceramics");
        SimOrder order = store.shop.order().line("CUP-9", 1, vendor.name()).createRouted();
        long orderId = store.importOrder(order);
        long lineId = ConnectedShop.lineIds(orderId).get("CUP-9");
        // Paused, the shop's shipments cannot be claimed by this application's worker: the claim below is
        // the only one, held for an hour as a stopping replica's would be.
        execute("UPDATE shops SET state = 'paused', paused_reason = 'test' WHERE id = " + store.shopId);
        long shipmentId = as(vendor.key()).body(Map.of("lines", List.of(Map.of("lineItemId", lineId, "quantity", 1)),
                "trackingNumber", "LEAVE-" + UUID.randomUUID(), "carrier", "ヤマト運輸", "notifyCustomer", false))
                .post("/orders/" + orderId + "/shipments").then().statusCode(201).extract().jsonPath().getLong("id");
        UUID token = UUID.randomUUID();
        execute("UPDATE shipments SET sync_claimed_until = now() + interval '1 hour', sync_claim_token = '" + token
                + "' WHERE id = " + shipmentId);
        execute("UPDATE shops SET state = 'active', paused_reason = NULL WHERE id = " + store.shopId);

        assertThat(shipments.release(List.of(new Claim(shipmentId, orderId, token))).await().atMost(AT_ONCE))
                .isEqualTo(1);

        await().atMost(AT_ONCE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(
                as(vendor.key()).get("/shipments/" + shipmentId).then().statusCode(200).extract().jsonPath()
                        .getString("syncStatus")).isEqualTo("synced"));
        assertThat(store.shop.fulfillments(order.id())).hasSize(1);
        // A stopped worker claims nothing more and has nothing of its own to hand back.
        ShipmentSyncWorker stopped = new ShipmentSyncWorker(shipments, sync, fulfillmentConfig, shutdown, instance);
        stopped.stop();
        assertThat(stopped.round().await().atMost(AT_ONCE)).isZero();
        assertThat(stopped.release().await().atMost(AT_ONCE)).isZero();
    }

    private long insertClaimed(String webhookId, String worker) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO webhook_inbox (webhook_id, topic, shop_domain, payload, state, attempt, max_attempts,
                                           attempted_at, attempted_by)
                VALUES (?, 'test/recorded', 'leaving.myshopify.com', '{}', 'running', 1, 3, now(), ?)
                RETURNING id""")) {
            ps.setString(1, webhookId);
            ps.setString(2, worker);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }
}
