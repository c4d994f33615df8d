package dev.storesync.operations.orders;

import static dev.storesync.testing.Api.as;
import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.storesync.shipments.FulfillmentConfig;
import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.testing.Api;
import dev.storesync.testing.ConnectedShop;
import dev.storesync.testing.Orders;
import dev.storesync.testing.SignedWebhooks;
import dev.storesync.testing.Vendors;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /sync/orders and GET /sync/orders/{id}/timeline, over orders and shipments made by the real code paths. */
@QuarkusTest
class OrderListTest {

    private static final Duration WITHIN = Duration.ofSeconds(20);

    @InjectShopifySimulator
    ShopifySimulator sim;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    FulfillmentConfig fulfillment;

    private ConnectedShop store;
    private String vendorName;
    private String vendorKey;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void connect() {
        store = ConnectedShop.connect(sim, "dash");
        Vendors.Vendor vendor = Vendors.create("Arita Porcelain");
        vendorName = vendor.name();
        vendorKey = vendor.key();
    }

    // --- timeline -----------------------------------------------------------------------------------

    @Test
    void shouldWriteTheTimelineFromImportPaymentShipmentSyncAndCancel() {
        SimOrder order = store.shop.order().line("CUP-1", 2, vendorName).createRouted();
        long orderId = store.importOrder(order);
        long lineId = ConnectedShop.lineIds(orderId).get("CUP-1");

        JsonObject refunded = ConnectedShop.payload(order, order.updatedAt().plusSeconds(60)).put("financial_status", "refunded");
        SignedWebhooks.delivery("orders/updated", store.domain, refunded.encode()).post().then().statusCode(200);
        awaitEvents(order.id(), List.of("financial_status_changed", "order_imported"));
        // A newer version with the same financial status changes nothing in the timeline.
        JsonObject same = ConnectedShop.payload(order, order.updatedAt().plusSeconds(120)).put("financial_status", "refunded")
                .put("note", "touched");
        SignedWebhooks.Delivery touched = SignedWebhooks.delivery("orders/updated", store.domain, same.encode());
        touched.post().then().statusCode(200);
        Orders.awaitProcessed(store.domain, touched.webhookId());
        awaitEvents(order.id(), List.of("financial_status_changed", "order_imported"));

        long shipmentId = as(vendorKey).body(Map.of("lines", List.of(Map.of("lineItemId", lineId, "quantity", 2)),
                "trackingNumber", "TL-1001", "carrier", "Yamato", "trackingUrl", "https://track.example/TL-1001"))
                .post("/orders/" + orderId + "/shipments").then().statusCode(201).extract().jsonPath().getLong("id");
        awaitEvents(order.id(), List.of("shipment_synced", "shipment_registered", "financial_status_changed", "order_imported"));

        JsonPath listed = list(Map.of()).extract().jsonPath();
        assertThat(listed.getString("orders[0].tracking.number")).isEqualTo("TL-1001");
        assertThat(listed.getString("orders[0].tracking.url")).isEqualTo("https://track.example/TL-1001");
        assertThat(listed.getInt("orders[0].shipments.synced")).isEqualTo(1);
        assertThat(listed.getString("orders[0].financialStatus")).isEqualTo("refunded");

        as(vendorKey).post("/shipments/" + shipmentId + "/cancel").then().statusCode(200);
        List<String> expected = List.of("shipment_cancelled", "shipment_synced", "shipment_registered",
                "financial_status_changed", "order_imported");
        awaitEvents(order.id(), expected);

        JsonPath timeline = timeline(String.valueOf(order.id()), Map.of()).extract().jsonPath();
        assertThat(timeline.getString("orderId")).isEqualTo(order.id());
        assertThat(timeline.getMap("events[0].details")).containsEntry("shipmentId", (int) shipmentId);
        assertThat(timeline.getMap("events[3].details")).containsEntry("from", "paid").containsEntry("to", "refunded");
        assertThat(timeline.getString("events[4].details.name")).isEqualTo(order.name());
        assertThat(timeline.getString("nextCursor")).isNull();

        // The list shows the same last entries, and no tracking once the only shipment is cancelled.
        JsonPath after = list(Map.of()).extract().jsonPath();
        assertThat(after.getList("orders[0].timeline.event", String.class)).isEqualTo(expected);
        assertThat(after.getString("orders[0].tracking")).isNull();
        assertThat(after.getInt("orders[0].shipments.cancelled")).isEqualTo(1);
    }

    @Test
    void shouldFindTheTimelineByGidShopifyIdAndName() {
        SimOrder order = store.shop.order().line("BOWL-1", 1, vendorName).create();
        store.importOrder(order);
        String name = order.name();
        for (String ref : List.of(order.id(), String.valueOf(order.legacyResourceId()), name, name.substring(1))) {
            timeline(ref, Map.of("shop_domain", store.domain)).body("orderId", equalTo(order.id()))
                    .body("events[0].event", equalTo("order_imported"));
        }
        timeline("#NO-SUCH-ORDER", Map.of("shop_domain", store.domain)).statusCode(404);
    }

    @Test
    void shouldPageThroughTheTimelineNewestFirst() {
        SimOrder order = store.shop.order().line("MUG-1", 3, vendorName).create();
        long orderId = store.importOrder(order);
        long lineId = ConnectedShop.lineIds(orderId).get("MUG-1");
        for (int i = 0; i < 3; i++) {
            as(vendorKey).body(Map.of("lines", List.of(Map.of("lineItemId", lineId, "quantity", 1)),
                    "trackingNumber", "PG-" + i, "carrier", "Yamato")).post("/orders/" + orderId + "/shipments")
                    .then().statusCode(201);
        }
        List<Map<String, Object>> all = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Map<String, String> params = new HashMap<>(Map.of("pageSize", "2"));
            if (cursor != null) {
                params.put("cursor", cursor);
            }
            JsonPath page = timeline(order.id(), params).extract().jsonPath();
            all.addAll(page.getList("events"));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(2);
        assertThat(all).extracting(e -> (Object) e.get("event")).containsExactly("shipment_registered", "shipment_registered",
                "shipment_registered", "order_imported");
        assertThat(all).extracting(e -> (Object) ((Map<?, ?>) e.get("details")).get("trackingNumber"))
                .containsExactly("PG-2", "PG-1", "PG-0", null);

        timeline(order.id(), Map.of("cursor", "ofs:0")).statusCode(422).body("errors[0].field", equalTo("cursor"));
        timeline(order.id(), Map.of("pageSize", "101")).statusCode(422).body("errors[0].field", equalTo("pageSize"));
    }

    @Test
    void shouldRecordACancelledOrderAndTheSyncItStopped() {
        SimOrder order = store.shop.order().line("VASE-1", 1, vendorName).create();
        long orderId = store.importOrder(order);
        long lineId = ConnectedShop.lineIds(orderId).get("VASE-1");
        long shipmentId = as(vendorKey).body(Map.of("lines", List.of(Map.of("lineItemId", lineId, "quantity", 1)),
                "trackingNumber", "CX-1", "carrier", "Yamato")).post("/orders/" + orderId + "/shipments")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        // No fulfillment order yet: the shipment waits, pending, until the order is cancelled.
        await().atMost(WITHIN).until(() -> asAdmin().get("/shipments/" + shipmentId).then().extract().jsonPath()
                .getInt("syncRetryCount") >= 1);
        order.cancel("customer");
        store.sendOrder("orders/cancelled", order, order.updatedAt());
        awaitEvents(order.id(), List.of("shipment_sync_cancelled", "order_cancelled", "shipment_registered", "order_imported"));
        // A later version of the cancelled order is no second cancellation.
        SignedWebhooks.Delivery again = SignedWebhooks.delivery("orders/updated", store.domain,
                ConnectedShop.payload(order, order.updatedAt().plusSeconds(60)).encode());
        again.post().then().statusCode(200);
        Orders.awaitProcessed(store.domain, again.webhookId());
        awaitEvents(order.id(), List.of("shipment_sync_cancelled", "order_cancelled", "shipment_registered", "order_imported"));
        list(Map.of("status", "cancelled")).body("orders.size()", equalTo(1))
                .body("orders[0].fulfillmentStatus", equalTo("cancelled")).body("orders[0].priority", equalTo("normal"));
        list(Map.of("tab", "unfulfilled")).body("orders.size()", equalTo(0));
    }

    // --- list: tabs, priority, filters --------------------------------------------------------------

    @Test
    void shouldSortTabsAndPrioritiesByTheDocumentedRule() throws Exception {
        Instant now = Instant.now();
        SimOrder young = store.shop.order().createdAt(now.minus(Duration.ofMinutes(10))).line("Y-1", 1, vendorName).create();
        SimOrder pending = store.shop.order().createdAt(now.minus(Duration.ofHours(3))).line("P-1", 1, vendorName).create();
        SimOrder delayed = store.shop.order().createdAt(now.minus(Duration.ofHours(40))).line("D-1", 1, vendorName).createRouted();
        SimOrder stale = store.shop.order().createdAt(now.minus(Duration.ofHours(100))).line("S-1", 1, vendorName).createRouted();
        SimOrder failed = store.shop.order().createdAt(now.minus(Duration.ofHours(50))).line("NEVER-1", 1, vendorName).create();
        store.importOrder(young);
        store.importOrder(pending);
        long delayedShipment = shipAndSync(store.importOrder(delayed), "D-1");
        long staleShipment = shipAndSync(store.importOrder(stale), "S-1");
        long failedOrder = store.importOrder(failed);
        long failedShipment = as(vendorKey).body(Map.of("lines", List.of(Map.of("lineItemId",
                ConnectedShop.lineIds(failedOrder).get("NEVER-1"), "quantity", 1)), "trackingNumber", "F-1", "carrier", "Yamato"))
                .post("/orders/" + failedOrder + "/shipments").then().statusCode(201).extract().jsonPath().getLong("id");
        await().atMost(WITHIN).until(() -> asAdmin().get("/shipments/" + failedShipment).then().extract().jsonPath()
                .getInt("syncRetryCount") >= 1);
        // The clock: as if the sync had waited through all but its last attempt, and the synced
        // shipments had had no update for 30 and 80 hours.
        sql("UPDATE shipments SET sync_retry_count = ?, sync_pending_until = now() WHERE id = ?",
                fulfillment.maxAttempts() - 1, failedShipment);
        sql("UPDATE shipments SET synced_at = now() - interval '30 hours' WHERE id = ?", delayedShipment);
        sql("UPDATE shipments SET synced_at = now() - interval '80 hours' WHERE id = ?", staleShipment);
        await().atMost(WITHIN).until(() -> "failed".equals(asAdmin().get("/shipments/" + failedShipment).then()
                .extract().jsonPath().getString("syncStatus")));

        assertThat(names(Map.of())).containsExactly(young.name(), pending.name(), delayed.name(), failed.name(), stale.name());
        assertThat(names(Map.of("tab", "all"))).hasSize(5);
        assertThat(names(Map.of("tab", "tracking_pending"))).containsExactly(pending.name());
        assertThat(names(Map.of("tab", "delayed"))).containsExactly(delayed.name(), stale.name());
        assertThat(names(Map.of("tab", "unfulfilled"))).hasSize(5);
        assertThat(names(Map.of("priority", "urgent"))).containsExactly(failed.name(), stale.name());
        assertThat(names(Map.of("priority", "high"))).containsExactly(pending.name(), delayed.name());
        assertThat(names(Map.of("priority", "normal"))).containsExactly(young.name());
        assertThat(names(Map.of("tab", "delayed", "priority", "high"))).containsExactly(delayed.name());
        for (String empty : List.of("returns", "support", "assigned")) {
            assertThat(names(Map.of("tab", empty))).as("tab %s", empty).isEmpty();
        }
        assertThat(names(Map.of("assigned_to", "kana"))).isEmpty();
        assertThat(names(Map.of("status", "unfulfilled"))).hasSize(5);
        assertThat(names(Map.of("status", "fulfilled"))).isEmpty();

        JsonPath urgent = list(Map.of("priority", "urgent")).extract().jsonPath();
        assertThat(urgent.getString("orders[0].priority")).isEqualTo("urgent");
        assertThat(urgent.getInt("orders[0].shipments.failed")).isEqualTo(1);
        assertThat(urgent.getString("orders[0].assignedTo")).isNull();
        assertThat(urgent.getString("orders[0].customer.displayName")).isNotBlank();
        assertThat(urgent.getString("orders[0].legacyId")).isEqualTo(failed.legacyResourceId());
        assertThat(urgent.getString("orders[0].id")).isEqualTo(failed.id());
        assertThat(urgent.getList("orders[0].timeline.event", String.class))
                .containsExactly("shipment_sync_failed", "shipment_registered", "order_imported");

        String day = now.minus(Duration.ofHours(3)).toString().substring(0, 10);
        assertThat(names(Map.of("date_start", now.minus(Duration.ofHours(4)).toString(),
                "date_end", now.minus(Duration.ofHours(1)).toString()))).containsExactly(pending.name());
        assertThat(names(Map.of("date_start", now.minus(Duration.ofHours(45)).toString()))).hasSize(3);
        assertThat(names(Map.of("date_end", now.minus(Duration.ofHours(45)).toString()))).hasSize(2);
        assertThat(names(Map.of("date_start", day, "date_end", day))).contains(pending.name());
    }

    @Test
    void shouldPageWithOffsetCursorsBothWays() {
        List<String> expected = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < 5; i++) {
            SimOrder o = store.shop.order().createdAt(now.minus(Duration.ofMinutes(i + 1))).line("PG-" + i, 1, vendorName).create();
            store.importOrder(o);
            expected.add(o.name());
        }
        JsonPath first = list(Map.of("pageSize", "2")).extract().jsonPath();
        assertThat(first.getList("orders.name", String.class)).isEqualTo(expected.subList(0, 2));
        assertThat(first.getString("prevCursor")).isNull();
        assertThat(first.getString("nextCursor")).isEqualTo("ofs:2");
        assertThat(first.getString("shopifyCursor")).isNull();
        assertThat(first.getInt("pageSize")).isEqualTo(2);

        JsonPath second = list(Map.of("pageSize", "2", "cursor", "ofs:2")).extract().jsonPath();
        assertThat(second.getList("orders.name", String.class)).isEqualTo(expected.subList(2, 4));
        assertThat(second.getString("prevCursor")).isEqualTo("ofs:2");
        JsonPath last = list(Map.of("pageSize", "2", "cursor", second.getString("nextCursor"))).extract().jsonPath();
        assertThat(last.getList("orders.name", String.class)).isEqualTo(expected.subList(4, 5));
        assertThat(last.getString("nextCursor")).isNull();

        JsonPath back = list(Map.of("pageSize", "2", "cursor", last.getString("prevCursor"), "direction", "prev"))
                .extract().jsonPath();
        assertThat(back.getList("orders.name", String.class)).isEqualTo(expected.subList(2, 4));
        JsonPath backToFirst = list(Map.of("pageSize", "2", "cursor", back.getString("prevCursor"), "direction", "prev"))
                .extract().jsonPath();
        assertThat(backToFirst.getList("orders.name", String.class)).isEqualTo(expected.subList(0, 2));
        assertThat(backToFirst.getString("prevCursor")).isNull();

        // Prev from the first page: nothing before it.
        JsonPath beforeFirst = list(Map.of("pageSize", "2", "cursor", "ofs:0", "direction", "prev")).extract().jsonPath();
        assertThat(beforeFirst.getList("orders")).isEmpty();
        assertThat(beforeFirst.getString("prevCursor")).isNull();
        assertThat(beforeFirst.getString("nextCursor")).isEqualTo("ofs:0");

        // A stale cursor past the end: an empty page whose prev leads back to the last page.
        JsonPath stale = list(Map.of("pageSize", "2", "cursor", "ofs:" + Long.toString(40, 36))).extract().jsonPath();
        assertThat(stale.getList("orders")).isEmpty();
        assertThat(stale.getString("nextCursor")).isNull();
        assertThat(stale.getString("prevCursor")).isEqualTo("ofs:5");
        JsonPath lastAgain = list(Map.of("pageSize", "2", "cursor", "ofs:5", "direction", "prev")).extract().jsonPath();
        assertThat(lastAgain.getList("orders.name", String.class)).isEqualTo(expected.subList(3, 5));

        assertThat(list(Map.of()).extract().jsonPath().getInt("pageSize")).isEqualTo(25);
        list(Map.of("pageSize", "100")).statusCode(200);
    }

    @Test
    void shouldRefuseMalformedParametersNamingThem() {
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("pageSize", "101");
        bad.put("cursor", "ofs:-1");
        bad.put("direction", "sideways");
        bad.put("tab", "archived");
        bad.put("status", "lost");
        bad.put("priority", "whenever");
        bad.put("assigned_to", " ");
        bad.put("date_start", "yesterday");
        bad.put("date_end", "2026-13-01");
        bad.put("shop_domain", "not a shop");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            asAdmin().queryParam(e.getKey(), e.getValue()).get("/sync/orders").then().statusCode(422)
                    .contentType("application/problem+json").body("errors[0].field", equalTo(e.getKey()));
        }
        asAdmin().queryParam("pageSize", "0").get("/sync/orders").then().statusCode(422);
        asAdmin().queryParam("pageSize", "two").get("/sync/orders").then().statusCode(422)
                .body("errors[0].field", equalTo("pageSize"));
        asAdmin().queryParam("cursor", "2").get("/sync/orders").then().statusCode(422);
        asAdmin().queryParam("date_start", "2026-11-02").queryParam("date_end", "2026-11-01").get("/sync/orders")
                .then().statusCode(422).body("errors[0].field", equalTo("date_end"));
        asAdmin().queryParam("shop_domain", Api.uniqueShopDomain("unknown")).get("/sync/orders").then().statusCode(404);
    }

    @Test
    void shouldLetOperatorsInAndKeepVendorsOut() {
        store.importOrder(store.shop.order().line("OP-1", 1, vendorName).create());
        String operator = Api.newKey("operator", null);
        as(operator).queryParam("shop_domain", store.domain).get("/sync/orders").then().statusCode(200)
                .body("orders.size()", equalTo(1));
        as(vendorKey).queryParam("shop_domain", store.domain).get("/sync/orders").then().statusCode(403);
        as(vendorKey).get("/sync/orders/1/timeline").then().statusCode(403);
        RestAssured.given().get("/sync/orders").then().statusCode(401);
    }

    // --- helpers ------------------------------------------------------------------------------------

    private long shipAndSync(long orderId, String sku) {
        long id = as(vendorKey).body(Map.of("lines", List.of(Map.of("lineItemId", ConnectedShop.lineIds(orderId).get(sku),
                "quantity", 1)), "trackingNumber", "T-" + sku, "carrier", "Yamato")).post("/orders/" + orderId + "/shipments")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        await().atMost(WITHIN).until(() -> "synced".equals(asAdmin().get("/shipments/" + id).then().extract().jsonPath()
                .getString("syncStatus")));
        return id;
    }

    private io.restassured.response.ValidatableResponse list(Map<String, String> params) {
        Map<String, String> all = new HashMap<>(params);
        all.putIfAbsent("shop_domain", store.domain);
        return asAdmin().queryParams(all).get("/sync/orders").then().statusCode(200);
    }

    private List<String> names(Map<String, String> params) {
        return list(params).extract().jsonPath().getList("orders.name", String.class);
    }

    private io.restassured.response.ValidatableResponse timeline(String ref, Map<String, String> params) {
        Response r = asAdmin().queryParams(params).get("/sync/orders/{id}/timeline", ref);
        return r.then();
    }

    private void awaitEvents(String orderGid, List<String> newestFirst) {
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(
                timeline(orderGid, Map.of("shop_domain", store.domain)).statusCode(200).extract().jsonPath()
                        .getList("events.event", String.class)).isEqualTo(newestFirst));
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
