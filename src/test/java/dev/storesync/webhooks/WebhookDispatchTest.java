package dev.storesync.webhooks;

import static dev.storesync.testing.Api.asAdmin;
import static dev.storesync.testing.SignedWebhooks.delivery;
import static dev.storesync.testing.SignedWebhooks.registerShop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import dev.storesync.testing.SignedWebhooks;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dispatcher: retries, discards, replays, concurrent replicas, lease rescue and pruning. */
@QuarkusTest
class WebhookDispatchTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    AgroalDataSource dataSource;
    @Inject
    RecordingHandler recorder;
    @Inject
    InboxRepository inbox;
    @Inject
    WebhookHandlers handlers;
    @Inject
    WebhookConfig config;
    @Inject
    Vertx vertx;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void shouldRetryAFailingHandlerThenDiscardItAndCompleteItOnReplay() {
        String shop = registerShop("flaky");
        delivery(FlakyHandler.TOPIC, shop, "{\"fail_times\": 3}").post().then().statusCode(200);
        long id = WebhookIntakeTest.inbox(shop).getLong("items[0].id");

        await().atMost(PATIENCE).untilAsserted(() -> asAdmin().get("/admin/webhooks/inbox/" + id).then()
                .statusCode(200)
                .body("state", equalTo("discarded"))
                .body("attempt", equalTo(3))
                .body("errors", hasSize(3))
                .body("errors.attempt", org.hamcrest.Matchers.contains(1, 2, 3))
                .body("errors.error", org.hamcrest.Matchers.contains("planned failure 1", "planned failure 2",
                        "planned failure 3"))
                .body("lastError", equalTo("planned failure 3")));

        asAdmin().post("/admin/webhooks/inbox/" + id + "/replay").then().statusCode(200).body("id", equalTo((int) id));

        await().atMost(PATIENCE).untilAsserted(() -> asAdmin().get("/admin/webhooks/inbox/" + id).then()
                .body("state", equalTo("completed"))
                .body("attempt", equalTo(1))
                .body("errors", hasSize(3)));
    }

    @Test
    void shouldTellAdminsOfABugInWordsAndKeepClassNamesInTheLog() {
        String shop = registerShop("bug");
        delivery(FlakyHandler.TOPIC, shop, "{\"fail_times\": 1, \"fail_with\": \"bug\"}").post().then().statusCode(200);
        long id = WebhookIntakeTest.inbox(shop).getLong("items[0].id");

        await().atMost(PATIENCE).untilAsserted(() -> asAdmin().get("/admin/webhooks/inbox/" + id).then()
                .statusCode(200)
                .body("state", equalTo("completed"))
                .body("errors", hasSize(1))
                .body("errors[0].error", equalTo(InboxWorker.UNEXPECTED))
                .body(not(containsString("Exception")))
                .body(not(containsString("java."))));
    }

    @Test
    void shouldCountAHandlerSlowerThanTheTimeoutAsAFailedAttemptThenDiscardIt() {
        String shop = registerShop("slow");
        Duration timeout = config.dispatcher().handlerTimeout();
        long delay = timeout.multipliedBy(20).toMillis();
        SignedWebhooks.Delivery slow = delivery(RecordingHandler.TOPIC, shop, "{\"delay_ms\": " + delay + "}");
        slow.post().then().statusCode(200);
        long id = WebhookIntakeTest.inbox(shop).getLong("items[0].id");
        int attempts = config.dispatcher().maxAttempts();
        String expected = "handler did not finish within " + timeout.toString().substring(2).toLowerCase();

        await().atMost(timeout.multipliedBy(attempts).plus(PATIENCE)).untilAsserted(() -> asAdmin()
                .get("/admin/webhooks/inbox/" + id).then()
                .statusCode(200)
                .body("state", equalTo("discarded"))
                .body("attempt", equalTo(attempts))
                .body("errors", hasSize(attempts))
                .body("errors.error", everyItem(equalTo(expected))));
        assertThat(recorder.calls(slow.webhookId())).isEqualTo(attempts);
    }

    @Test
    void shouldReplayEveryDiscardedRowMatchingAFilter() {
        String shop = registerShop("bulk-replay");
        delivery(FlakyHandler.TOPIC, shop, "{\"fail_times\": 3}").post().then().statusCode(200);
        delivery(FlakyHandler.TOPIC, shop, "{\"fail_times\": 3}").post().then().statusCode(200);
        await().atMost(PATIENCE).untilAsserted(() -> asAdmin()
                .get("/admin/webhooks/inbox?state=discarded&shop=" + shop).then().body("items", hasSize(2)));

        asAdmin().body(Map.of("state", "discarded", "topic", FlakyHandler.TOPIC, "shop", shop))
                .post("/admin/webhooks/inbox/replay").then().statusCode(200).body("replayed", equalTo(2));

        await().atMost(PATIENCE).untilAsserted(() -> asAdmin()
                .get("/admin/webhooks/inbox?state=completed&shop=" + shop).then().body("items", hasSize(2)));
    }

    @Test
    void shouldRefuseToReplayARunningRow() throws SQLException {
        long id = insert("""
                INSERT INTO webhook_inbox (webhook_id, topic, shop_domain, payload, state, attempt, max_attempts,
                                           attempted_at, attempted_by)
                VALUES (?, 'test/recorded', 'running.myshopify.com', '{}', 'running', 1, 3, now(), 'busy-replica')
                RETURNING id""", "running-" + UUID.randomUUID());
        try {
            asAdmin().post("/admin/webhooks/inbox/" + id + "/replay").then()
                    .statusCode(409).contentType("application/problem+json");
        } finally {
            execute("DELETE FROM webhook_inbox WHERE id = " + id);
        }
    }

    @Test
    void shouldRunEachRowExactlyOnceWithTwoDispatchersOnOneDatabase() throws SQLException {
        int rows = 300;
        String shop = "race-" + UUID.randomUUID().toString().substring(0, 8) + ".myshopify.com";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO webhook_inbox (webhook_id, topic, shop_domain, payload, max_attempts, scheduled_at)
                SELECT ? || '-' || g, 'test/recorded', ?, '{"delay_ms": 2}', 3, now() + interval '1 hour'
                FROM generate_series(1, ?) AS g""")) {
            ps.setString(1, shop);
            ps.setString(2, shop);
            ps.setInt(3, rows);
            ps.executeUpdate();
        }
        io.vertx.sqlclient.Pool secondPool = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(4))
                .connectingTo(PgConnectOptions.fromUri(config("quarkus.datasource.reactive.url"))
                        .setUser(config("quarkus.datasource.username"))
                        .setPassword(config("quarkus.datasource.password")))
                .using(vertx)
                .build();
        try {
            InboxWorker first = new InboxWorker(inbox, handlers, config.dispatcher(), vertx, "replica-a");
            InboxWorker second = new InboxWorker(new InboxRepository(Pool.newInstance(secondPool)), handlers,
                    config.dispatcher(), vertx, "replica-b");

            execute("UPDATE webhook_inbox SET scheduled_at = now() WHERE shop_domain = '" + shop + "'");
            var counts = Uni.combine().all().unis(first.drain(), second.drain()).asTuple()
                    .await().atMost(Duration.ofSeconds(60));
            Log.infof("Replica a ran %d rows, replica b %d; the application's own dispatcher the rest",
                    counts.getItem1(), counts.getItem2());

            await().atMost(PATIENCE).until(() -> count("SELECT count(*) FROM webhook_inbox WHERE shop_domain = '"
                    + shop + "' AND state = 'completed'") == rows);
            assertThat(count("SELECT count(*) FROM webhook_inbox WHERE shop_domain = '" + shop + "' AND attempt <> 1"))
                    .isZero();
            List<Integer> calls = new ArrayList<>();
            for (int i = 1; i <= rows; i++) {
                calls.add(recorder.calls(shop + "-" + i));
            }
            assertThat(calls).hasSize(rows).containsOnly(1);
        } finally {
            secondPool.close();
        }
    }

    @Test
    void shouldRescueARowWhoseLeaseExpiredAndRunItAgain() throws SQLException {
        String webhookId = "lease-" + UUID.randomUUID();
        long id = insert("""
                INSERT INTO webhook_inbox (webhook_id, topic, shop_domain, payload, state, attempt, max_attempts,
                                           attempted_at, attempted_by)
                VALUES (?, 'test/recorded', 'crashed.myshopify.com', '{}', 'running', 1, 3,
                        now() - interval '1 hour', 'crashed-replica')
                RETURNING id""", webhookId);

        await().atMost(PATIENCE).untilAsserted(() -> asAdmin().get("/admin/webhooks/inbox/" + id).then()
                .statusCode(200)
                .body("state", equalTo("completed"))
                .body("attempt", equalTo(2))
                .body("errors", hasSize(1))
                .body("errors[0].attempt", equalTo(1))
                .body("errors[0].error", containsString("lease expired: crashed-replica")));
        assertThat(recorder.calls(webhookId)).isEqualTo(1);
    }

    @Test
    void shouldPruneOnlyFinishedRowsOlderThanTheRetention() throws SQLException {
        String sql = """
                INSERT INTO webhook_inbox (webhook_id, topic, shop_domain, payload, state, attempt, max_attempts,
                                           received_at, scheduled_at, finalized_at)
                VALUES (?, 'test/recorded', 'prune.myshopify.com', '{}', ?, 1, 3, now() - ?::interval,
                        now() + interval '1 day', CASE WHEN ? THEN now() - ?::interval END)
                RETURNING id""";
        long old = insert(sql, "old-" + UUID.randomUUID(), "completed", "31 days", true, "30 days");
        long oldDiscarded = insert(sql, "old-discarded-" + UUID.randomUUID(), "discarded", "31 days", true, "30 days");
        long recent = insert(sql, "recent-" + UUID.randomUUID(), "completed", "2 hours", true, "1 hour");
        long waiting = insert(sql, "waiting-" + UUID.randomUUID(), "available", "31 days", false, "0 days");

        await().atMost(PATIENCE).untilAsserted(() -> {
            asAdmin().get("/admin/webhooks/inbox/" + old).then().statusCode(404);
            asAdmin().get("/admin/webhooks/inbox/" + oldDiscarded).then().statusCode(404);
        });
        asAdmin().get("/admin/webhooks/inbox/" + recent).then().statusCode(200);
        asAdmin().get("/admin/webhooks/inbox/" + waiting).then().statusCode(200).body("state", equalTo("available"));
        execute("DELETE FROM webhook_inbox WHERE id = " + waiting);
    }

    private long insert(String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }

    private static String config(String key) {
        return ConfigProvider.getConfig().getOptionalValue(key, String.class).orElse("");
    }
}
