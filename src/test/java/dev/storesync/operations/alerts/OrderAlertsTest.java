package dev.storesync.operations.alerts;

import static dev.storesync.testing.Api.as;
import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.storesync.orders.OrderReconciler;
import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimFulfillment;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.testing.Api;
import dev.storesync.testing.ConnectedShop;
import dev.storesync.testing.FulfillmentWebhooks;
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
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Alerts raised and cleared by the code paths that change the facts (shipment sync, tracking,
 * order cancel, reconciliation) and by the clock, as the dashboard sees them: open alerts on each
 * listed order and the alert stream polled as JSON.
 */
@QuarkusTest
class OrderAlertsTest {

    @InjectShopifySimulator
    ShopifySimulator sim;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    OrderReconciler reconciler;

    private ConnectedShop store;
    private String vendorName;
    private String vendorKey;
    private long since;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void connect() {
        store = ConnectedShop.connect(sim, "alerts");
        FulfillmentWebhooks.on(store);
        Vendors.Vendor vendor = Vendors.create("Mashiko Kiln");
        vendorName = vendor.name();
        vendorKey = vendor.key();
        since = AlertEvents.lastId();
    }

    @Test
    void shouldRaiseTrackingPendingForAnOldOrderAndClearItWhenTheShipmentIsRegistered() {
        SimOrder order = store.shop.order().line("JUG-1", 1, vendorName).createdAt(hoursAgo(3)).createRouted();
        long orderId = store.importOrder(order);
        AlertEvents.awaitSummaries(store.domain, since, List.of("alert_raised:tracking_pending:" + order.name()));
        assertThat(openAlerts(order)).containsExactly("tracking_pending");
        assertThat(listed(order).getString("priority")).isEqualTo("high");

        ship(orderId, "JUG-1", "TP-" + UUID.randomUUID());
        AlertEvents.awaitSummaries(store.domain, since, List.of("alert_raised:tracking_pending:" + order.name(),
                "alert_cleared:tracking_pending:" + order.name()));
        assertThat(openAlerts(order)).isEmpty();
        Map<String, Object> cleared = AlertEvents.ofShop(store.domain, since).get(1);
        assertThat(((Map<?, ?>) cleared.get("alert")).get("clearedAt")).isNotNull();
        assertThat(((Map<?, ?>) cleared.get("alert")).get("orderId")).isEqualTo(order.id());
    }

    @Test
    void shouldRaiseTrackingPendingWhenTheThresholdPassesWithoutAnyChange() {
        // Two hours minus a few seconds old at import: only the clock (the periodic evaluation) can raise it.
        SimOrder order = store.shop.order().line("CUP-9", 1, vendorName)
                .createdAt(Instant.now().minus(Duration.ofHours(2)).plusSeconds(8).truncatedTo(ChronoUnit.SECONDS)).create();
        store.importOrder(order);
        assertThat(AlertEvents.summaries(store.domain, since)).isEmpty();

        AlertEvents.awaitSummaries(store.domain, since, List.of("alert_raised:tracking_pending:" + order.name()));
        assertThat(openAlerts(order)).containsExactly("tracking_pending");
    }

    @Test
    void shouldRaiseSyncFailedWhenTheSyncGivesUpAndClearItWhenTheRetrySucceeds() {
        SimOrder order = store.shop.order().line("LID-7", 1, vendorName).createRouted();
        long orderId = store.importOrder(order);
        order.fulfillmentOrders().get(0).close();

        long shipmentId = ship(orderId, "LID-7", "SF-" + UUID.randomUUID());
        awaitSyncStatus(shipmentId, "failed");
        AlertEvents.awaitSummaries(store.domain, since, List.of("alert_raised:sync_failed:" + order.name()));
        assertThat(openAlerts(order)).containsExactly("sync_failed");
        assertThat(listed(order).getString("priority")).isEqualTo("urgent");

        order.fulfillmentOrders().get(0).open();
        asAdmin().post("/shipments/" + shipmentId + "/retry").then().statusCode(200);
        awaitSyncStatus(shipmentId, "synced");
        AlertEvents.awaitSummaries(store.domain, since, List.of("alert_raised:sync_failed:" + order.name(),
                "alert_cleared:sync_failed:" + order.name()));
        assertThat(openAlerts(order)).isEmpty();
    }

    @Test
    void shouldRaiseDelayedForAStaleShipmentAndClearItWhenTheCarrierReports() throws Exception {
        SimOrder order = store.shop.order().line("VASE-2", 1, vendorName).createRouted();
        long orderId = store.importOrder(order);
        long shipmentId = ship(orderId, "VASE-2", "DL-" + UUID.randomUUID());
        awaitSyncStatus(shipmentId, "synced");
        // Its fulfillment's own webhook has been recorded before we age the shipment.
        await().atMost(AlertEvents.WITHIN).until(() -> count(
                "SELECT count(*) FROM order_fulfillments WHERE shipment_id = ?", shipmentId) == 1);
        Instant lastWeek = Instant.now().minus(Duration.ofDays(2));
        sql("UPDATE shipments SET synced_at = ? WHERE id = ?", java.sql.Timestamp.from(lastWeek), shipmentId);
        sql("UPDATE order_fulfillments SET shopify_updated_at = ? WHERE shipment_id = ?", java.sql.Timestamp.from(lastWeek), shipmentId);
        // Any later write of the order's facts re-applies the rules; the periodic evaluation does it by itself.
        AlertEvents.awaitSummaries(store.domain, since, List.of("alert_raised:delayed:" + order.name()));
        assertThat(openAlerts(order)).containsExactly("delayed");

        SimFulfillment fulfillment = store.shop.fulfillments(order.id()).get(0);
        fulfillment.updatedAt(Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.SECONDS)).shipmentStatus("in_transit");
        AlertEvents.awaitSummaries(store.domain, since, List.of("alert_raised:delayed:" + order.name(),
                "alert_cleared:delayed:" + order.name()));
        assertThat(listed(order).getString("tracking.status")).isEqualTo("in_transit");
    }

    @Test
    void shouldClearAnOrdersAlertsWhenItIsCancelled() {
        SimOrder order = store.shop.order().line("BOWL-4", 1, vendorName).createdAt(hoursAgo(5)).create();
        store.importOrder(order);
        AlertEvents.awaitSummaries(store.domain, since, List.of("alert_raised:tracking_pending:" + order.name()));

        order.cancel("customer");
        store.sendOrder("orders/cancelled", order, order.updatedAt());
        AlertEvents.awaitSummaries(store.domain, since, List.of("alert_raised:tracking_pending:" + order.name(),
                "alert_cleared:tracking_pending:" + order.name()));
        assertThat(openAlerts(order)).isEmpty();
    }

    @Test
    void shouldRaiseDataGapForWhatOnlyTheReconciliationFoundAndClearItWithTheNextWebhook() {
        SimOrder lost = store.shop.order().line("PLATE-1", 1, vendorName).create();
        // Created a minute ago, so that its next change gets a later updated_at (Shopify's times are in seconds).
        SimOrder seen = store.shop.order().line("PLATE-2", 1, vendorName).createdAt(Instant.now().minusSeconds(60)
                .truncatedTo(ChronoUnit.SECONDS)).create();
        store.importOrder(seen);

        reconcile();
        AlertEvents.awaitSummaries(store.domain, since, List.of("alert_raised:data_gap:" + lost.name()));
        Map<?, ?> alert = (Map<?, ?>) AlertEvents.ofShop(store.domain, since).get(0).get("alert");
        assertThat(((Map<?, ?>) alert.get("details")).get("newOrder")).isEqualTo(true);
        assertThat(openAlerts(lost)).containsExactly("data_gap");
        assertThat(openAlerts(seen)).isEmpty();

        // A change reconciliation finds on an order we had: a gap too; the next webhook of it ends the gap.
        seen.financialStatus("REFUNDED");
        reconcile();
        AlertEvents.awaitSummaries(store.domain, since, List.of("alert_raised:data_gap:" + lost.name(),
                "alert_raised:data_gap:" + seen.name()));
        store.sendOrder("orders/updated", seen, seen.updatedAt().plusSeconds(30));
        AlertEvents.awaitSummaries(store.domain, since, List.of("alert_raised:data_gap:" + lost.name(),
                "alert_raised:data_gap:" + seen.name(), "alert_cleared:data_gap:" + seen.name()));
    }

    @Test
    void shouldAnswerTheShopifyCursorOfThePagesLastOrderOnceReconciliationReadIt() {
        SimOrder older = store.shop.order().line("CUR-1", 1, vendorName).createdAt(Instant.now().minusSeconds(120)
                .truncatedTo(ChronoUnit.SECONDS)).create();
        SimOrder newer = store.shop.order().line("CUR-2", 1, vendorName).create();
        store.importOrder(older);
        store.importOrder(newer);
        asAdmin().queryParam("shop_domain", store.domain).get("/sync/orders").then().statusCode(200)
                .body("shopifyCursor", equalTo(null));

        reconcile();
        JsonPath firstPage = asAdmin().queryParam("shop_domain", store.domain).queryParam("pageSize", 1).get("/sync/orders")
                .then().statusCode(200).extract().jsonPath();
        JsonPath whole = asAdmin().queryParam("shop_domain", store.domain).get("/sync/orders")
                .then().statusCode(200).extract().jsonPath();
        assertThat(firstPage.getString("orders[0].name")).isEqualTo(newer.name());
        assertThat(firstPage.getString("shopifyCursor")).isNotBlank();
        assertThat(whole.getString("shopifyCursor")).isNotBlank().isNotEqualTo(firstPage.getString("shopifyCursor"));
        // It is Shopify's own cursor: reading after it continues with the next order in Shopify's order.
        String page = RestAssured.given().contentType("application/json")
                .header("X-Shopify-Access-Token", store.shop.accessToken())
                .body(Map.of("query", "query Next($after: String) { orders(first: 1, after: $after, sortKey: UPDATED_AT,"
                        + " reverse: true) { nodes { id } } }", "variables", Map.of("after", firstPage.getString("shopifyCursor"))))
                .post(sim.graphqlUrl(store.domain, "2026-10")).then().statusCode(200).extract().asString();
        assertThat(page).contains(older.id()).doesNotContain(newer.id());
    }

    @Test
    void shouldPageThePolledStreamWithSinceAndLimit() {
        SimOrder a = store.shop.order().line("PG-1", 1, vendorName).createdAt(hoursAgo(4)).create();
        SimOrder b = store.shop.order().line("PG-2", 1, vendorName).createdAt(hoursAgo(4)).create();
        store.importOrder(a);
        store.importOrder(b);
        await().atMost(AlertEvents.WITHIN).until(() -> AlertEvents.ofShop(store.domain, since).size() == 2);
        List<Map<String, Object>> events = AlertEvents.ofShop(store.domain, since);
        long first = ((Number) events.get(0).get("id")).longValue();
        long second = ((Number) events.get(1).get("id")).longValue();
        assertThat(second).isGreaterThan(first);

        JsonPath one = asAdmin().queryParam("since", first - 1).queryParam("limit", 1).get("/sync/orders/alerts")
                .then().statusCode(200).extract().jsonPath();
        assertThat(one.getList("events")).hasSize(1);
        assertThat(one.getLong("events[0].id")).isEqualTo(first);
        assertThat(one.getLong("lastEventId")).isEqualTo(first);
        assertThat(one.getBoolean("more")).isTrue();
        JsonPath after = asAdmin().queryParam("since", first).get("/sync/orders/alerts").then().statusCode(200)
                .extract().jsonPath();
        assertThat(after.getList("events.id", Long.class)).contains(second).doesNotContain(first);

        asAdmin().queryParam("since", "-1").get("/sync/orders/alerts").then().statusCode(422)
                .body("errors[0].field", equalTo("since"));
        asAdmin().queryParam("limit", "501").get("/sync/orders/alerts").then().statusCode(422)
                .body("errors[0].field", equalTo("limit"));
    }

    @Test
    void shouldKeepVendorsOutOfTheAlerts() {
        as(vendorKey).get("/sync/orders/alerts").then().statusCode(403);
        as(vendorKey).accept("text/event-stream").get("/sync/orders/alerts").then().statusCode(403);
        String operator = Api.newKey("operator", null);
        as(operator).get("/sync/orders/alerts").then().statusCode(200);
    }

    // --- helpers ------------------------------------------------------------------------------------

    private static Instant hoursAgo(int hours) {
        return Instant.now().minus(Duration.ofHours(hours)).truncatedTo(ChronoUnit.SECONDS);
    }

    private void reconcile() {
        reconciler.reconcile(store.shopId, store.domain).await().atMost(AlertEvents.WITHIN);
    }

    private long ship(long orderId, String sku, String tracking) {
        return as(vendorKey).body(Map.of("lines", List.of(Map.of("lineItemId", ConnectedShop.lineIds(orderId).get(sku),
                "quantity", 1)), "trackingNumber", tracking, "carrier", "Yamato")).post("/orders/" + orderId + "/shipments")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private static void awaitSyncStatus(long shipmentId, String status) {
        await().atMost(AlertEvents.WITHIN).until(() -> status.equals(asAdmin().get("/shipments/" + shipmentId).then()
                .extract().jsonPath().getString("syncStatus")));
    }

    private JsonPath listed(SimOrder order) {
        JsonPath page = asAdmin().queryParam("shop_domain", store.domain).queryParam("pageSize", 100).get("/sync/orders")
                .then().statusCode(200).extract().jsonPath();
        int index = page.getList("orders.id", String.class).indexOf(order.id());
        assertThat(index).as("order listed").isGreaterThanOrEqualTo(0);
        return page.setRootPath("orders[" + index + "]");
    }

    private List<String> openAlerts(SimOrder order) {
        return listed(order).getList("alerts.kind", String.class);
    }

    private long count(String query, Object... params) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(query)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void sql(String statement, Object... params) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}
