package dev.storesync.carriers;

import static dev.storesync.carriers.Ship24Webhooks.body;
import static dev.storesync.carriers.Ship24Webhooks.event;
import static dev.storesync.carriers.Ship24Webhooks.tracking;
import static dev.storesync.testing.Api.as;
import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.storesync.testing.Api;
import dev.storesync.testing.Orders;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Matching tracked shipments to POs: odd PO forms, orphans, POs arriving later, manual links and their audit. */
@QuarkusTest
class PlatformShipmentLinkTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Pool pool;

    private PlatformRows platform;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void rows() {
        platform = new PlatformRows(dataSource);
    }

    @Test
    void shouldMatchAPoNumberWrittenInOddForms() {
        String po = PlatformRows.poNumber();
        String orderNumber = PlatformRows.orderNumber();
        long orderId = platform.insertOrder(orderNumber);
        platform.insertPo(orderId, po);
        List<String> forms = List.of("po " + po, "PO#" + po, fullWidth("PO" + po), " #" + po.replace("-", " - ") + " ");
        List<String> trackingNumbers = new ArrayList<>();
        for (String form : forms) {
            String tn = Ship24Webhooks.trackingNumber();
            trackingNumbers.add(tn);
            Ship24Webhooks.deliver(body(tracking(tn, form, event(Ship24Webhooks.eventId(), "2026-11-20T09:00:00Z", "in_transit", "Departed"))));
        }
        for (int i = 0; i < forms.size(); i++) {
            JsonPath s = shipment(trackingNumbers.get(i));
            assertThat(s.getString("rawReference")).isEqualTo(forms.get(i).strip());
            assertThat(s.getString("linkedPoNumber")).as(forms.get(i)).isEqualTo(po);
            assertThat(s.getString("order.orderNumber")).isEqualTo(orderNumber);
        }
        assertThat(platform.stats(orderId)).containsEntry("total", 4).containsEntry("inTransit", 4)
                .containsEntry("derivedStatus", "in_transit");
    }

    @Test
    void shouldRecomputeTheOrdersStatsAsItsShipmentsMove() {
        String orderNumber = PlatformRows.orderNumber();
        long orderId = platform.insertOrder(orderNumber);
        String poA = PlatformRows.poNumber();
        String poB = PlatformRows.poNumber();
        platform.insertPo(orderId, poA);
        platform.insertPo(orderId, poB);
        assertThat(platform.stats(orderId)).containsEntry("derivedStatus", "no_shipments");
        String tnA = Ship24Webhooks.trackingNumber();
        String tnB = Ship24Webhooks.trackingNumber();
        Ship24Webhooks.deliver(body(tracking(tnA, poA, event(Ship24Webhooks.eventId(), "2026-11-20T09:00:00Z", "delivered", "Delivered")),
                tracking(tnB, poB, event(Ship24Webhooks.eventId(), "2026-11-20T09:00:00Z", "in_transit", "Departed"))));
        assertThat(shipment(tnA).getMap("order")).containsEntry("shipmentsTotal", 2).containsEntry("shipmentsDelivered", 1)
                .containsEntry("shipmentsInTransit", 1).containsEntry("derivedStatus", "partially_delivered");

        Ship24Webhooks.deliver(body(tracking(tnB, poB, event(Ship24Webhooks.eventId(), "2026-11-21T09:00:00Z", "failed_attempt", "Nobody home"))));
        assertThat(shipment(tnB).getMap("order")).containsEntry("shipmentsException", 1).containsEntry("derivedStatus", "exception");

        Ship24Webhooks.deliver(body(tracking(tnB, poB, event(Ship24Webhooks.eventId(), "2026-11-22T09:00:00Z", "delivered", "Delivered"))));
        assertThat(shipment(tnB).getMap("order")).containsEntry("shipmentsDelivered", 2).containsEntry("shipmentsException", 0)
                .containsEntry("derivedStatus", "delivered");
    }

    @Test
    void shouldCountEveryShipmentOfAnOrderWhenTheirUpdatesAreAppliedConcurrently() {
        String orderNumber = PlatformRows.orderNumber();
        long orderId = platform.insertOrder(orderNumber);
        String po = PlatformRows.poNumber();
        platform.insertPo(orderId, po);
        List<String> deliveries = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String body = body(tracking(Ship24Webhooks.trackingNumber(), "PO " + po,
                    event(Ship24Webhooks.eventId(), "2026-11-20T09:00:00Z", i % 3 == 0 ? "delivered" : "in_transit", "Scan")));
            deliveries.add(Ship24Webhooks.post(body, "Bearer " + Ship24Webhooks.SECRET).then().statusCode(200)
                    .extract().path("deliveryId"));
        }
        // Stored first, applied by the dispatcher's concurrent handlers: each recount sees the others' commits.
        deliveries.forEach(id -> Orders.awaitProcessed(Ship24Intake.SOURCE, id));
        assertThat(platform.stats(orderId)).containsEntry("total", 12).containsEntry("delivered", 4)
                .containsEntry("inTransit", 8).containsEntry("derivedStatus", "partially_delivered");
    }

    @Test
    void shouldLinkAWaitingOrphanWhenItsPoArrivesAndUnlinkItWhenThePoIsRenumbered() {
        String po = PlatformRows.poNumber();
        String tn = Ship24Webhooks.trackingNumber();
        Ship24Webhooks.deliver(body(tracking(tn, "PO-" + po, event(Ship24Webhooks.eventId(), "2026-11-20T09:00:00Z", "in_transit", "Departed"))));
        JsonPath orphan = shipment(tn);
        long id = orphan.getLong("id");
        assertThat(orphan.getString("order")).isNull();
        assertThat(orphanIds()).contains(id);

        // The platform sync writes the order and its PO later, by whatever code path: here plain SQL.
        String orderNumber = PlatformRows.orderNumber();
        long orderId = platform.insertOrder(orderNumber);
        long poId = platform.insertPo(orderId, po);
        JsonPath linked = shipment(tn);
        assertThat(linked.getString("linkedPoNumber")).isEqualTo(po);
        assertThat(linked.getMap("order")).containsEntry("orderNumber", orderNumber).containsEntry("shipmentsTotal", 1)
                .containsEntry("derivedStatus", "in_transit");
        assertThat(orphanIds()).doesNotContain(id);

        platform.renumberPo(poId, PlatformRows.poNumber());
        assertThat(shipment(tn).getString("order")).isNull();
        assertThat(orphanIds()).contains(id);
        assertThat(platform.stats(orderId)).containsEntry("total", 0).containsEntry("derivedStatus", "no_shipments");
        platform.renumberPo(poId, po);
        assertThat(shipment(tn).getString("order.orderNumber")).isEqualTo(orderNumber);
    }

    @Test
    void shouldLinkAndRelinkByHandRecomputingBothOrdersAndAuditingEachLink() {
        String operator = Api.newKey("operator", null);
        String orderA = PlatformRows.orderNumber();
        String orderB = PlatformRows.orderNumber();
        long orderAId = platform.insertOrder(orderA);
        long orderBId = platform.insertOrder(orderB);
        String poA = PlatformRows.poNumber();
        String poB = PlatformRows.poNumber();
        platform.insertPo(orderAId, poA);
        platform.insertPo(orderBId, poB);
        String tn = Ship24Webhooks.trackingNumber();
        Ship24Webhooks.deliver(body(tracking(tn, "see email from supplier",
                event(Ship24Webhooks.eventId(), "2026-11-20T09:00:00Z", "delivered", "Delivered"))));
        long id = shipment(tn).getLong("id");

        as(operator).body(Map.of("poNumber", "po " + poA)).post("/platform/shipments/" + id + "/link").then().statusCode(200)
                .body("changed", equalTo(true)).body("previousPoNumber", equalTo(null))
                .body("shipment.linkedPoNumber", equalTo(poA)).body("shipment.linkSource", equalTo("manual"))
                .body("shipment.order.orderNumber", equalTo(orderA)).body("shipment.order.derivedStatus", equalTo("delivered"));
        assertThat(orphanIds()).doesNotContain(id);

        // A wrong match is fixed by linking again: the old order loses the shipment, the new one gains it.
        as(operator).body(Map.of("poNumber", "PO#" + poB)).post("/platform/shipments/" + id + "/link").then().statusCode(200)
                .body("previousPoNumber", equalTo(poA)).body("shipment.order.orderNumber", equalTo(orderB));
        assertThat(platform.stats(orderAId)).containsEntry("total", 0).containsEntry("derivedStatus", "no_shipments");
        assertThat(platform.stats(orderBId)).containsEntry("total", 1).containsEntry("delivered", 1)
                .containsEntry("derivedStatus", "delivered");
        // The same link again changes and audits nothing.
        as(operator).body(Map.of("poNumber", poB)).post("/platform/shipments/" + id + "/link").then().statusCode(200)
                .body("changed", equalTo(false));

        JsonPath history = as(operator).get("/platform/shipments/" + id + "/links").then().statusCode(200).extract().jsonPath();
        assertThat(history.getList("toPo")).containsExactly(poB, poA);
        assertThat(history.getList("fromPo")).containsExactly(poA, null);
        assertThat(history.getString("[0].actor")).startsWith("api-key:");
        assertThat(history.getString("[0].actorName")).startsWith("operator key");
        assertThat(history.getString("[0].linkedAt")).isNotNull();

        // The carrier keeps sending its own reference: the manual link stays.
        Ship24Webhooks.deliver(body(tracking(tn, "PO " + poA, event(Ship24Webhooks.eventId(), "2026-11-21T09:00:00Z", "delivered", "Signed"))));
        assertThat(shipment(tn).getString("order.orderNumber")).isEqualTo(orderB);
        assertThat(platform.stats(orderAId)).containsEntry("total", 0);
    }

    @Test
    void shouldRefuseAnUnknownPoABlankOneAndCallersWhoAreNotOperators() {
        String tn = Ship24Webhooks.trackingNumber();
        Ship24Webhooks.deliver(body(tracking(tn, null, event(Ship24Webhooks.eventId(), "2026-11-20T09:00:00Z", "in_transit", "Departed"))));
        long id = shipment(tn).getLong("id");
        asAdmin().body(Map.of("poNumber", "PO " + PlatformRows.poNumber())).post("/platform/shipments/" + id + "/link").then()
                .statusCode(422).contentType("application/problem+json").body("errors[0].field", equalTo("poNumber"))
                .body("errors[0].message", startsWith("no purchase order"));
        asAdmin().body(Map.of("poNumber", " # ")).post("/platform/shipments/" + id + "/link").then().statusCode(422)
                .body("errors[0].field", equalTo("poNumber"));
        asAdmin().body("{}").post("/platform/shipments/" + id + "/link").then().statusCode(422);
        asAdmin().body(Map.of("poNumber", "1-1")).post("/platform/shipments/999999999/link").then().statusCode(404);
        assertThat(platform.count("tracked_shipment_links", "shipment_id = ?", id)).isZero();
        assertThat(shipment(tn).getString("linkSource")).isEqualTo("reference");

        String vendorKey = Api.newKey("vendor", Api.newVendor("Carrier test vendor"));
        as(vendorKey).get("/platform/shipments/orphans").then().statusCode(403);
        as(vendorKey).body(Map.of("poNumber", "1-1")).post("/platform/shipments/" + id + "/link").then().statusCode(403);
        RestAssured.given().get("/platform/shipments/orphans").then().statusCode(401);
    }

    @Test
    void shouldPageOrphansOldestFirst() {
        List<Long> mine = new ArrayList<>();
        List<String> references = List.of("unknown ref A", "unknown ref B", "unknown ref C");
        for (String reference : references) {
            String tn = Ship24Webhooks.trackingNumber();
            Ship24Webhooks.deliver(body(tracking(tn, reference, event(Ship24Webhooks.eventId(), "2026-11-20T09:00:00Z", "in_transit", "Departed"))));
            mine.add(shipment(tn).getLong("id"));
        }
        List<Map<String, Object>> all = new ArrayList<>();
        long total = -1;
        for (int offset = 0; ; offset += 2) {
            JsonPath page = asAdmin().get("/platform/shipments/orphans?limit=2&offset=" + offset).then().statusCode(200)
                    .body("limit", equalTo(2)).body("offset", equalTo(offset)).extract().jsonPath();
            total = page.getLong("total");
            List<Map<String, Object>> items = page.getList("items");
            all.addAll(items);
            if (items.size() < 2) {
                break;
            }
        }
        assertThat(all).hasSize((int) total);
        List<Long> ids = all.stream().map(o -> ((Number) o.get("id")).longValue()).toList();
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(ids.stream().filter(mine::contains).toList()).containsExactlyElementsOf(mine);
        assertThat(all.stream().map(o -> (String) o.get("createdAt")).toList()).isSorted();
        Map<String, Object> last = all.stream().filter(o -> ((Number) o.get("id")).longValue() == mine.get(2)).findFirst().orElseThrow();
        assertThat(last).containsEntry("rawReference", "unknown ref C").containsEntry("courierCode", "yamato");
        assertThat((Map<String, Object>) last.get("lastEvent")).containsEntry("status", "Departed")
                .containsEntry("statusMilestone", "in_transit").containsEntry("occurredAt", "2026-11-20T09:00:00Z");

        asAdmin().get("/platform/shipments/orphans?limit=0").then().statusCode(422).body("errors[0].field", equalTo("limit"));
        asAdmin().get("/platform/shipments/orphans?limit=201").then().statusCode(422);
        asAdmin().get("/platform/shipments/orphans?offset=-1").then().statusCode(422).body("errors[0].field", equalTo("offset"));
    }

    @Test
    void shouldLinkAShipmentAndItsPoThatArriveInConcurrentTransactions() throws Exception {
        String orderNumber = PlatformRows.orderNumber();
        long orderId = platform.insertOrder(orderNumber);
        String po = PlatformRows.poNumber();
        String tn = Ship24Webhooks.trackingNumber();
        try (Connection poTx = dataSource.getConnection()) {
            poTx.setAutoCommit(false);
            try (PreparedStatement s = poTx.prepareStatement(
                    "INSERT INTO purchase_orders (po_number, order_id, platform_id, supplier_name) VALUES (?, ?, ?, 'Acme Pens')")) {
                s.setString(1, po);
                s.setLong(2, orderId);
                s.setString(3, "po-" + po);
                s.executeUpdate();
            }
            // The shipment arrives while the PO's transaction is still open.
            CompletableFuture<?> shipment = pool.preparedQuery(
                    "INSERT INTO tracked_shipments (tracking_number, raw_reference, po_number) VALUES ($1, $2, $2)")
                    .execute(Tuple.of(tn, po)).subscribeAsCompletionStage();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> shipment.isDone() || platform.count("pg_stat_activity",
                            "wait_event_type = 'Lock' AND query LIKE ?", "%INSERT INTO tracked_shipments%") > 0);
            poTx.commit();
            shipment.get();
        }
        assertThat(shipment(tn).getString("linkedPoNumber")).isEqualTo(po);
        assertThat(platform.stats(orderId)).containsEntry("total", 1).containsEntry("derivedStatus", "in_transit");
    }

    private static JsonPath shipment(String trackingNumber) {
        return asAdmin().get("/platform/shipments?trackingNumber=" + trackingNumber).then().statusCode(200)
                .body("size()", equalTo(1)).extract().jsonPath().setRootPath("[0]");
    }

    private static List<Long> orphanIds() {
        List<Long> ids = new ArrayList<>();
        for (int offset = 0; ; offset += 200) {
            List<Number> page = asAdmin().get("/platform/shipments/orphans?limit=200&offset=" + offset).then().statusCode(200)
                    .extract().jsonPath().getList("items.id");
            page.forEach(n -> ids.add(n.longValue()));
            if (page.size() < 200) {
                return ids;
            }
        }
    }

    /** The full-width form Japanese suppliers type: ＰＯ１６４－１. */
    private static String fullWidth(String ascii) {
        StringBuilder out = new StringBuilder();
        for (char c : ascii.toCharArray()) {
            out.append(c == '-' ? '\uFF0D' : (char) (c - 0x20 + 0xFF00));
        }
        return out.toString();
    }
}
