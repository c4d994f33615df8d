package dev.storesync.outbox;

import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storesync.platform.fake.FakePlatform;
import dev.storesync.platform.fake.InjectFakePlatform;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Outbound events reach a real HTTP subscriber at least once, signed, with a stable id. */
@QuarkusTest
class OutboxDeliveryTest {

    private static final Duration WITHIN = Duration.ofSeconds(20);

    @InjectEventReceiver
    EventReceiver receiver;

    @InjectFakePlatform
    FakePlatform platform;

    @Inject
    OutboxPruner pruner;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aFailedDeliveryIsRetriedWithTheSameIdBodyAndAValidSignatureUntilItSucceeds() throws Exception {
        UUID id = UUID.randomUUID();
        receiver.fail(id.toString(), 2, 503);

        insertEvent(id, "test_event.sent", "test:" + id);

        await().atMost(WITHIN).until(() -> receiver.deliveries(id.toString()).stream().anyMatch(d -> d.answered() == 200));
        List<EventReceiver.Delivery> deliveries = receiver.deliveries(id.toString());
        assertThat(deliveries).extracting(EventReceiver.Delivery::answered).containsExactly(503, 503, 200);
        assertThat(deliveries).extracting(EventReceiver.Delivery::attempt).containsExactly("1", "2", "3");
        assertThat(deliveries).extracting(EventReceiver.Delivery::bodyText).containsOnly(deliveries.get(0).bodyText());
        for (EventReceiver.Delivery d : deliveries) {
            assertThat(verifies(d)).as("signature verifies with the shared secret").isTrue();
            assertThat(d.eventType()).isEqualTo("test_event.sent");
        }
        JsonObject body = new JsonObject(deliveries.get(0).bodyText());
        assertThat(body.getString("id")).isEqualTo(id.toString());
        assertThat(body.getString("type")).isEqualTo("test_event.sent");
        assertThat(body.getJsonObject("data").getInteger("n")).isEqualTo(7);
        await().atMost(WITHIN).until(() -> "delivered".equals(row(id).get("state")));
        assertThat(row(id)).containsEntry("attempts", "3");
        assertThat(row(id).get("last_error")).contains("HTTP 503");
    }

    @Test
    void anEventThatKeepsFailingIsDiscardedAfterTheLastAttemptWithItsError() throws Exception {
        UUID id = UUID.randomUUID();
        receiver.fail(id.toString(), -1, 500);

        insertEvent(id, "test_event.sent", "test:" + id);

        // max-attempts is 4 in tests
        await().atMost(WITHIN).until(() -> "discarded".equals(row(id).get("state")));
        Map<String, String> row = row(id);
        assertThat(row).containsEntry("attempts", "4");
        assertThat(row.get("last_error")).contains(receiver.url()).contains("HTTP 500");
        assertThat(row.get("finished_at")).isNotNull();
        assertThat(receiver.deliveries(id.toString())).hasSize(4);
    }

    @Test
    void anEventWhoseWorkerDiedMidDeliveryIsDeliveredOnceItsClaimExpires() throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO outbox_events (id, event_type, aggregate, payload, state, attempts, claim_token, claimed_until)
                VALUES (?, 'test_event.sent', ?, '{"n": 7}'::jsonb, 'running', 1, gen_random_uuid(),
                        now() - interval '1 second')""")) {
            ps.setObject(1, id);
            ps.setString(2, "test:" + id);
            ps.executeUpdate();
        }

        await().atMost(WITHIN).until(() -> "delivered".equals(row(id).get("state")));
        assertThat(receiver.deliveries(id.toString())).extracting(EventReceiver.Delivery::attempt).containsExactly("2");
    }

    @Test
    void aPlatformOrderSeenForTheFirstTimeIsAnnouncedOnce() throws Exception {
        platform.reset();
        String orderNumber = "EV" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        platform.addOrder(orderNumber, "approved").po(orderNumber + "-1", "Acme");
        for (int run = 0; run < 2; run++) {
            long runId = asAdmin().body(Map.of("fullResync", true)).post("/platform/orders/sync").then().statusCode(202)
                    .extract().jsonPath().getLong("runId");
            await().atMost(WITHIN).until(() -> !"running".equals(asAdmin().get("/platform/orders/sync/runs/" + runId)
                    .then().extract().path("outcome")));
        }

        await().atMost(WITHIN).until(() -> receiver.deliveriesOfType("platform_order.created").stream()
                .anyMatch(d -> d.bodyText().contains(orderNumber)));
        List<EventReceiver.Delivery> created = receiver.deliveriesOfType("platform_order.created").stream()
                .filter(d -> d.bodyText().contains(orderNumber)).toList();
        assertThat(created).hasSize(1);
        JsonObject body = new JsonObject(created.get(0).bodyText());
        assertThat(body.getString("aggregate")).isEqualTo("platform_order:" + orderNumber);
        assertThat(body.getJsonObject("data").getString("orderNumber")).isEqualTo(orderNumber);
        assertThat(body.getJsonObject("data").getJsonArray("purchaseOrders").getJsonObject(0).getString("poNumber"))
                .isEqualTo(orderNumber + "-1");
        assertThat(verifies(created.get(0))).isTrue();
    }

    /** What a subscriber does: HMAC-SHA256 of the raw body with the secret, compared in constant time. */
    private static boolean verifies(EventReceiver.Delivery d) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(EventReceiverResource.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(d.body()));
        return d.signature() != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                d.signature().getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aQueuedShopifyWriteIsNotAnEventForSubscribers() throws Exception {
        UUID write = UUID.randomUUID();
        UUID event = UUID.randomUUID();
        insertEvent(write, "shopify.test_write", "test:" + write);
        insertEvent(event, "test_event.sent", "test:" + event);
        await().atMost(WITHIN).until(() -> "delivered".equals(row(event).get("state")));
        assertThat(receiver.deliveries(write.toString())).isEmpty();
        assertThat(row(write)).containsEntry("state", "pending").containsEntry("attempts", "0");
    }

    @Test
    void finishedEventsPastTheRetentionArePrunedAndNewerOnesKept() throws Exception {
        UUID oldDelivered = UUID.randomUUID();
        UUID oldDiscarded = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO outbox_events (id, event_type, aggregate, payload, state, attempts, finished_at)
                VALUES (?, 'test.pruned', 'a', '{}'::jsonb, 'delivered', 1, now() - interval '8 days'),
                       (?, 'test.pruned', 'a', '{}'::jsonb, 'discarded', 4, now() - interval '8 days'),
                       (?, 'test.pruned', 'a', '{}'::jsonb, 'delivered', 1, now() - interval '6 days')""")) {
            ps.setObject(1, oldDelivered);
            ps.setObject(2, oldDiscarded);
            ps.setObject(3, recent);
            ps.executeUpdate();
        }

        pruner.prune().await().atMost(Duration.ofSeconds(10));

        assertThat(exists(oldDelivered)).isFalse();
        assertThat(exists(oldDiscarded)).isFalse();
        assertThat(row(recent)).containsEntry("state", "delivered");
    }

    private boolean exists(UUID id) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM outbox_events WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void insertEvent(UUID id, String type, String aggregate) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO outbox_events (id, event_type, aggregate, payload) VALUES (?, ?, ?, '{\"n\": 7}'::jsonb)")) {
            ps.setObject(1, id);
            ps.setString(2, type);
            ps.setString(3, aggregate);
            ps.executeUpdate();
        }
    }

    private Map<String, String> row(UUID id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT state, attempts::text, last_error, finished_at::text FROM outbox_events WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                java.util.HashMap<String, String> out = new java.util.HashMap<>();
                out.put("state", rs.getString(1));
                out.put("attempts", rs.getString(2));
                out.put("last_error", rs.getString(3));
                out.put("finished_at", rs.getString(4));
                return out;
            }
        }
    }
}
