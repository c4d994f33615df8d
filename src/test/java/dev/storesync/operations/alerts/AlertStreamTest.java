package dev.storesync.operations.alerts;

import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storesync.operations.orders.OrderOperationsConfig;
import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.testing.Api;
import dev.storesync.testing.ConnectedShop;
import dev.storesync.testing.Vendors;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GET /sync/orders/alerts as Server-Sent Events: live delivery, resume from Last-Event-ID,
 * keep-alives, refresh pings, and delivery across instances through LISTEN/NOTIFY.
 * <p>
 * Across instances: the "other instance" here is a second Vert.x instance in this JVM with its own
 * database pool and its own {@link AlertHub} (own LISTEN connection), not a second process. A
 * notification only reaches the other side through PostgreSQL: the two share no Vert.x, event bus,
 * pool or bean; the SSE client of this application is fed by an alert that the other pool wrote,
 * and the other hub's stream by an alert this application raised.
 */
@QuarkusTest
class AlertStreamTest {

    private static final Duration WITHIN = Duration.ofSeconds(20);

    @InjectShopifySimulator
    ShopifySimulator sim;

    @Inject
    AlertConfig alertConfig;

    @Inject
    OrderOperationsConfig thresholds;

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String url;

    @ConfigProperty(name = "quarkus.datasource.username")
    Optional<String> user;

    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> password;

    private ConnectedShop store;
    private String vendorName;
    private String operatorKey;

    @BeforeEach
    void connect() {
        store = ConnectedShop.connect(sim, "stream");
        vendorName = Vendors.create("Tokoname Ware").name();
        operatorKey = Api.newKey("operator", null);
    }

    @Test
    void shouldDeliverAlertsLiveWithTheirIdsAndKeepTheStreamAlive() throws Exception {
        try (SseClient sse = SseClient.open(operatorKey, null)) {
            awaitConnected(sse);
            SimOrder order = oldOrder("LIVE-1");
            long orderId = store.importOrder(order);

            SseClient.Frame raised = awaitAlert(sse, "alert_raised", order);
            JsonObject data = new JsonObject(raised.data());
            assertThat(raised.id()).isEqualTo(Long.toString(data.getLong("id")));
            assertThat(data.getJsonObject("alert").getString("kind")).isEqualTo("tracking_pending");
            assertThat(data.getJsonObject("alert").getString("orderId")).isEqualTo(order.id());
            assertThat(data.getJsonObject("alert").getString("shopDomain")).isEqualTo(store.domain);

            registerShipment(orderId, "LIVE-1");
            SseClient.Frame cleared = awaitAlert(sse, "alert_cleared", order);
            assertThat(Long.parseLong(cleared.id())).isGreaterThan(Long.parseLong(raised.id()));
            assertThat(new JsonObject(cleared.data()).getJsonObject("alert").getString("clearedAt")).isNotNull();

            // Keep-alive comments keep coming (every second in the test profile, 15 s by default).
            int comments = sse.events("comment").size();
            await().atMost(Duration.ofSeconds(10)).until(() -> sse.events("comment").size() >= comments + 2);
            assertThat(sse.events("comment").get(0).data()).isEqualTo("keep-alive");
        }
    }

    @Test
    void shouldResumeAfterTheLastEventIdWithoutGapOrDuplicate() throws Exception {
        long before = AlertEvents.lastId();
        SimOrder first = oldOrder("RES-1");
        SimOrder second = oldOrder("RES-2");
        SimOrder third = oldOrder("RES-3");
        store.importOrder(first);
        store.importOrder(second);
        store.importOrder(third);
        await().atMost(WITHIN).until(() -> AlertEvents.ofShop(store.domain, before).size() == 3);
        List<Long> ids = AlertEvents.ofShop(store.domain, before).stream().map(e -> ((Number) e.get("id")).longValue()).toList();

        try (SseClient sse = SseClient.open(operatorKey, Long.toString(ids.get(0)))) {
            await().atMost(WITHIN).until(() -> alertIds(sse).containsAll(ids.subList(1, 3)));
            SimOrder fourth = oldOrder("RES-4");
            store.importOrder(fourth);
            awaitAlert(sse, "alert_raised", fourth);

            List<Long> delivered = alertIds(sse);
            assertThat(delivered).doesNotContain(ids.get(0)).doesNotHaveDuplicates().isSorted();
            // Everything after the resume point, of every shop, with nothing left out.
            List<Long> stored = AlertEvents.ofShop(store.domain, ids.get(0)).stream()
                    .map(e -> ((Number) e.get("id")).longValue()).toList();
            assertThat(delivered).containsAll(stored);
            assertThat(delivered.get(0)).isEqualTo(ids.get(1));
        }
    }

    @Test
    void shouldPingRefreshAfterAWebhookBatch() throws Exception {
        try (SseClient sse = SseClient.open(operatorKey, null)) {
            awaitConnected(sse);
            int refreshes = sse.events("refresh").size();
            store.importOrder(store.shop.order().line("REF-1", 1, vendorName).create());
            await().atMost(WITHIN).until(() -> sse.events("refresh").size() > refreshes);
            assertThat(sse.events("refresh").get(0).id()).isNull();
        }
    }

    @Test
    void shouldDeliverToThisInstancesClientsAnAlertRaisedByAnotherInstance() throws Exception {
        SimOrder order = store.shop.order().line("X-IN-1", 1, vendorName).create();
        long orderId = store.importOrder(order);
        Vertx otherVertx = Vertx.vertx();
        Pool otherPool = pool(otherVertx);
        try (SseClient sse = SseClient.open(operatorKey, null)) {
            awaitConnected(sse);
            otherPool.withTransaction(c -> c.preparedQuery("SELECT order_alert_set($1, 'data_gap', TRUE, $2)")
                    .execute(Tuple.of(orderId, new JsonObject().put("raisedBy", "other instance"))))
                    .await().atMost(WITHIN);

            SseClient.Frame raised = awaitAlert(sse, "alert_raised", order);
            assertThat(new JsonObject(raised.data()).getJsonObject("alert").getString("kind")).isEqualTo("data_gap");
        } finally {
            otherPool.closeAndAwait();
            otherVertx.closeAndAwait();
        }
    }

    @Test
    void shouldDeliverAnAlertRaisedHereToTheClientsOfAnotherInstance() {
        Vertx otherVertx = Vertx.vertx();
        Pool otherPool = pool(otherVertx);
        AlertHub other = new AlertHub(otherVertx, otherPool, new AlertRepository(otherPool), alertConfig, url, user, password);
        List<AlertHub.Item> received = new CopyOnWriteArrayList<>();
        Cancellable subscription = null;
        try {
            other.start(null);
            await().atMost(WITHIN).until(other::listening);
            long now = AlertEvents.lastId();
            subscription = other.stream(now).subscribe().with(received::add);

            SimOrder order = oldOrder("X-OUT-1");
            store.importOrder(order);
            await().atMost(WITHIN).untilAsserted(() -> assertThat(received.stream()
                    .filter(i -> i instanceof AlertHub.AlertItem a && order.name().equals(a.event().alert().orderName()))
                    .map(i -> ((AlertHub.AlertItem) i).event().type())).containsExactly("alert_raised"));
        } finally {
            if (subscription != null) {
                subscription.cancel();
            }
            other.stop(null);
            otherPool.closeAndAwait();
            otherVertx.closeAndAwait();
        }
    }

    @Test
    void shouldRefuseAMalformedLastEventId() {
        asAdmin().accept("text/event-stream").header("Last-Event-ID", "abc").get("/sync/orders/alerts")
                .then().statusCode(422);
    }

    // --- helpers ------------------------------------------------------------------------------------

    private SimOrder oldOrder(String sku) {
        return store.shop.order().line(sku, 1, vendorName)
                .createdAt(Instant.now().minus(thresholds.trackingPendingAfter()).minus(Duration.ofHours(1))
                        .truncatedTo(ChronoUnit.SECONDS)).create();
    }

    private void registerShipment(long orderId, String sku) {
        asAdmin().body(Map.of("lines", List.of(Map.of("lineItemId", ConnectedShop.lineIds(orderId).get(sku), "quantity", 1)),
                "trackingNumber", "SSE-" + sku, "carrier", "Yamato")).post("/orders/" + orderId + "/shipments")
                .then().statusCode(201);
    }

    private Pool pool(Vertx vertx) {
        PgConnectOptions options = PgConnectOptions.fromUri(url);
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        return Pool.newInstance(PgBuilder.pool().connectingTo(options).using(vertx.getDelegate()).build());
    }

    private static void awaitConnected(SseClient sse) {
        // The first keep-alive proves the stream is open and registered with the hub.
        await().atMost(WITHIN).until(() -> sse.status() == 200 && !sse.events("comment").isEmpty());
    }

    private static SseClient.Frame awaitAlert(SseClient sse, String type, SimOrder order) {
        return await().atMost(WITHIN).until(() -> sse.events(type).stream()
                .filter(f -> order.name().equals(new JsonObject(f.data()).getJsonObject("alert").getString("orderName"))
                        && order.id().equals(new JsonObject(f.data()).getJsonObject("alert").getString("orderId")))
                .findFirst().orElse(null), f -> f != null);
    }

    private static List<Long> alertIds(SseClient sse) {
        return sse.frames().stream().filter(f -> f.event().startsWith("alert_")).map(f -> Long.parseLong(f.id())).toList();
    }
}
