package dev.storesync.operations;

import static dev.storesync.testing.Api.as;
import static dev.storesync.testing.Api.asAdmin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storesync.security.Roles;
import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.testing.Api;
import dev.storesync.testing.ConnectedShop;
import dev.storesync.testing.Orders;
import dev.storesync.testing.Shipments;
import dev.storesync.testing.SignedWebhooks;
import dev.storesync.testing.Vendors;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /admin/queues} and the {@code storesync_queue_*} gauges: per queue and shop, counts by
 * state, due now, next retry and what failed in the last 24 hours.
 */
@QuarkusTest
class QueueProgressTest {

    private static final Duration SOON = Duration.ofSeconds(30);

    @InjectShopifySimulator
    ShopifySimulator sim;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void shouldShowEachQueuePerShopOverHttpAndAsGauges() {
        Vendors.Vendor vendor = Vendors.create("Queues");
        // A shop whose order has no fulfillment order yet: its shipment waits, retrying later.
        ConnectedShop waiting = ConnectedShop.connect(sim, "queues");
        SimOrder order = waiting.shop.order().line("Q-1", 1, vendor.name()).create();
        long orderId = waiting.importOrder(order);
        Shipments.registered(vendor.key(), orderId, "TRK-Q-" + UUID.randomUUID(), ConnectedShop.lineIds(orderId).get("Q-1"), 1);
        // A delivery no handler can read: retried, then discarded.
        SignedWebhooks.delivery("orders/updated", waiting.domain, "{}").post().then().statusCode(200);
        // A shop Shopify does not know: its shipment fails for an operator.
        String unknown = SignedWebhooks.registerShop("queuesfail");
        Orders.Order lost = Orders.order(unknown);
        Orders.Line line = lost.line(vendor.name(), "Q-2", 1);
        Orders.Imported imported = lost.createAndAwait();
        Shipments.registered(vendor.key(), imported.id(), "TRK-F-" + UUID.randomUUID(), imported.lineId(line), 1);

        await().atMost(SOON).untilAsserted(() -> {
            JsonPath queues = asAdmin().get("/admin/queues").then().statusCode(200).extract().jsonPath();
            String inbox = shop("webhook_inbox", waiting.domain);
            assertThat(queues.getLong(inbox + ".counts.completed")).isEqualTo(1);
            assertThat(queues.getLong(inbox + ".counts.discarded")).isEqualTo(1);
            assertThat(queues.getLong(inbox + ".failedLast24h")).isEqualTo(1);
            assertThat(queues.getLong(inbox + ".dueNow")).isZero();
            String pending = shop("shipment_sync", waiting.domain);
            assertThat(queues.getLong(pending + ".counts.pending")).isEqualTo(1);
            assertThat(queues.getLong(pending + ".counts.failed")).isZero();
            assertThat(queues.getString(pending + ".nextRetry")).isNotNull();
            assertThat(Instant.parse(queues.getString(pending + ".nextRetry"))).isAfter(Instant.parse(queues.getString("at")));
            String failed = shop("shipment_sync", unknown);
            assertThat(queues.getLong(failed + ".counts.failed")).isEqualTo(1);
            assertThat(queues.getLong(failed + ".failedLast24h")).isEqualTo(1);
            assertThat(queues.getLong(failed + ".counts.pending")).isZero();
            assertThat(queues.getLong("queues.find { it.queue == 'shipment_sync' }.total.counts.failed")).isPositive();
        });

        await().atMost(SOON).untilAsserted(() -> {
            String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(gauge(metrics, "storesync_queue_items", "shipment_sync", unknown, "failed")).isEqualTo(1.0);
            assertThat(gauge(metrics, "storesync_queue_failed_last24h", "shipment_sync", unknown, null)).isEqualTo(1.0);
            assertThat(gauge(metrics, "storesync_queue_items", "shipment_sync", waiting.domain, "pending")).isEqualTo(1.0);
            assertThat(gauge(metrics, "storesync_queue_items", "webhook_inbox", waiting.domain, "discarded")).isEqualTo(1.0);
        });
    }

    @Test
    void shouldCountShipmentsOfAPausedShopAsDueWithTheirOldestDueTime() {
        Vendors.Vendor vendor = Vendors.create("Paused");
        ConnectedShop paused = ConnectedShop.connect(sim, "queuespaused");
        SimOrder order = paused.shop.order().line("P-1", 2, vendor.name()).create();
        long orderId = paused.importOrder(order);
        asAdmin().body(Map.of("reason", "Stocktaking")).post("/admin/shops/" + paused.shopId + "/pause").then()
                .statusCode(200);
        long line = ConnectedShop.lineIds(orderId).get("P-1");
        Instant before = Instant.now().minusSeconds(1);
        Shipments.registered(vendor.key(), orderId, "TRK-P1-" + UUID.randomUUID(), line, 1);
        Shipments.registered(vendor.key(), orderId, "TRK-P2-" + UUID.randomUUID(), line, 1);

        // Shipments of a paused shop are not claimed: they stay due until the shop is resumed.
        JsonPath queues = asAdmin().get("/admin/queues").then().statusCode(200).extract().jsonPath();
        String shipments = shop("shipment_sync", paused.domain);
        assertThat(queues.getLong(shipments + ".counts.pending")).isEqualTo(2);
        assertThat(queues.getLong(shipments + ".dueNow")).isEqualTo(2);
        assertThat(Instant.parse(queues.getString(shipments + ".oldestDue"))).isAfter(before)
                .isBeforeOrEqualTo(Instant.parse(queues.getString("at")));
        assertThat(queues.getString(shipments + ".nextRetry")).isNull();
        assertThat(queues.getLong("queues.find { it.queue == 'shipment_sync' }.total.dueNow")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldBeForAdminsAndOperatorsOnly() {
        as(Api.newKey(Roles.OPERATOR, null)).get("/admin/queues").then().statusCode(200);
        Vendors.Vendor vendor = Vendors.create("Nosy");
        as(vendor.key()).get("/admin/queues").then().statusCode(403);
        given().get("/admin/queues").then().statusCode(401);
    }

    private static String shop(String queue, String domain) {
        return "queues.find { it.queue == '" + queue + "' }.shops.find { it.shop == '" + domain + "' }";
    }

    /** The value of one {@code storesync_queue_*} sample, or null when it is not exposed. */
    private static Double gauge(String metrics, String name, String queue, String shop, String state) {
        return Arrays.stream(metrics.split("\n"))
                .filter(l -> l.startsWith(name + "{"))
                .filter(l -> l.contains("queue=\"" + queue + "\"") && l.contains("shop=\"" + shop + "\""))
                .filter(l -> state == null || l.contains("state=\"" + state + "\""))
                .map(l -> Double.valueOf(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(null);
    }
}
