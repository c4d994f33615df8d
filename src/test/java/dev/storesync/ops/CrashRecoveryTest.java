package dev.storesync.ops;

import static dev.storesync.testing.Api.as;
import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.storesync.kernel.JobLeases;
import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.testing.ConnectedShop;
import dev.storesync.testing.Vendors;
import dev.storesync.webhooks.RecordingHandler;
import dev.storesync.webhooks.WebhookDispatcher;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
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
 * Work claimed by an instance whose heartbeat stopped (a killed replica) is taken over at once, long
 * before its lease; work claimed by an instance that still beats is left alone.
 */
@QuarkusTest
class CrashRecoveryTest {

    /** Far below the claims' own leases here (inbox 30 s, shipments and job leases one hour). */
    private static final Duration SOON = Duration.ofSeconds(20);

    @InjectShopifySimulator
    ShopifySimulator sim;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    RecordingHandler recorder;
    @Inject
    WebhookDispatcher dispatcher;
    @Inject
    Pool pool;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void shouldRunTheInboxRowsOfADeadInstanceOnceAndLeaveALiveInstancesRowsAlone() throws SQLException {
        String dead = instance("dead", "1 minute");
        String live = instance("live", "0 seconds");
        String deadWebhook = "dead-" + UUID.randomUUID();
        long ofDead = insertRunning(deadWebhook, dead);
        long ofLive = insertRunning("live-" + UUID.randomUUID(), live);

        await().atMost(SOON).untilAsserted(() -> asAdmin().get("/admin/webhooks/inbox/" + ofDead).then()
                .statusCode(200)
                .body("state", equalTo("completed"))
                .body("attempt", equalTo(2))
                .body("errors[0].error", containsString("rescued: " + dead + " stopped (no heartbeat)")));
        assertThat(recorder.calls(deadWebhook)).isEqualTo(1);

        dispatcher.rescue().await().atMost(SOON);
        asAdmin().get("/admin/webhooks/inbox/" + ofLive).then().statusCode(200)
                .body("state", equalTo("running")).body("attempt", equalTo(1));
        execute("DELETE FROM webhook_inbox WHERE id = " + ofLive);
    }

    @Test
    void shouldSyncAShipmentClaimedByADeadInstanceOnceAndNotOneClaimedByALiveInstance() throws SQLException {
        String dead = instance("dead", "1 minute");
        String live = instance("live", "0 seconds");
        ConnectedShop store = ConnectedShop.connect(sim, "crash");
        Vendors.Vendor vendor = Vendors.create("Crash Ceramics");
        SimOrder first = store.shop.order().line("CUP-1", 1, vendor.name()).createRouted();
        SimOrder second = store.shop.order().line("CUP-2", 1, vendor.name()).createRouted();
        long firstId = store.importOrder(first);
        long secondId = store.importOrder(second);
        // Paused while the claims are planted, so this application's worker cannot take them first.
        execute("UPDATE shops SET state = 'paused', paused_reason = 'test' WHERE id = " + store.shopId);
        long ofDead = register(firstId, "CUP-1", vendor.key());
        long ofLive = register(secondId, "CUP-2", vendor.key());
        claim(ofDead, dead);
        claim(ofLive, live);
        execute("UPDATE shops SET state = 'active', paused_reason = NULL WHERE id = " + store.shopId);

        await().atMost(SOON).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(syncStatus(ofDead, vendor.key()))
                .isEqualTo("synced"));
        assertThat(store.shop.fulfillments(first.id())).hasSize(1);
        assertThat(syncStatus(ofLive, vendor.key())).isEqualTo("pending");
        assertThat(store.shop.fulfillments(second.id())).isEmpty();
        execute("UPDATE shipments SET sync_claimed_until = NULL, sync_claimed_by = NULL WHERE id = " + ofLive);
        await().atMost(SOON).untilAsserted(() -> assertThat(syncStatus(ofLive, vendor.key())).isEqualTo("synced"));
    }

    @Test
    void shouldHandTheJobLeaseOfADeadInstanceToAnotherAtOnceButNotALiveOnes() throws SQLException {
        String dead = instance("dead", "1 minute");
        String live = instance("live", "0 seconds");
        String deadJob = "job-" + UUID.randomUUID();
        String liveJob = "job-" + UUID.randomUUID();
        execute("INSERT INTO job_leases (name, holder, expires_at) VALUES ('" + deadJob + "', '" + dead
                + "', now() + interval '1 hour'), ('" + liveJob + "', '" + live + "', now() + interval '1 hour')");

        JobLeases other = new JobLeases(pool, "survivor-" + UUID.randomUUID());
        assertThat(other.tryAcquire(deadJob, Duration.ofMinutes(5)).await().atMost(SOON)).isTrue();
        assertThat(other.tryAcquire(liveJob, Duration.ofMinutes(5)).await().atMost(SOON)).isFalse();
    }

    /** A heartbeat row last renewed {@code ago}; returns its instance id. */
    private String instance(String prefix, String ago) throws SQLException {
        String id = prefix + "-" + UUID.randomUUID();
        execute("INSERT INTO instance_heartbeats (instance_id, started_at, heartbeat_at) VALUES ('" + id
                + "', now() - interval '1 hour', now() - interval '" + ago + "')");
        return id;
    }

    private long register(long orderId, String sku, String key) {
        long lineId = ConnectedShop.lineIds(orderId).get(sku);
        return as(key).body(Map.of("lines", List.of(Map.of("lineItemId", lineId, "quantity", 1)),
                "trackingNumber", "CRASH-" + UUID.randomUUID(), "carrier", "ヤマト運輸", "notifyCustomer", false))
                .post("/orders/" + orderId + "/shipments").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private void claim(long shipmentId, String instance) throws SQLException {
        execute("UPDATE shipments SET sync_claimed_until = now() + interval '1 hour', sync_claim_token = gen_random_uuid(),"
                + " sync_claimed_by = '" + instance + "' WHERE id = " + shipmentId);
    }

    private static String syncStatus(long shipmentId, String key) {
        return as(key).get("/shipments/" + shipmentId).then().statusCode(200).extract().jsonPath().getString("syncStatus");
    }

    private long insertRunning(String webhookId, String worker) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO webhook_inbox (webhook_id, topic, shop_domain, payload, state, attempt, max_attempts,
                                           attempted_at, attempted_by)
                VALUES (?, 'test/recorded', 'crash.myshopify.com', '{}', 'running', 1, 3, now(), ?)
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
