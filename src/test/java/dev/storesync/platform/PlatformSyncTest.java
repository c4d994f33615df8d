package dev.storesync.platform;

import static dev.storesync.testing.Api.as;
import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.storesync.platform.fake.FakePlatform;
import dev.storesync.platform.fake.InjectFakePlatform;
import dev.storesync.testing.Api;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The platform sync against the fake platform, driven and checked through the API. */
@QuarkusTest
class PlatformSyncTest {

    private static final Duration WITHIN = Duration.ofSeconds(30);

    @InjectFakePlatform
    FakePlatform platform;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    PlatformSyncSchedule schedule;

    /** Order numbers of this test start with it, so earlier tests' orders never match. */
    private String prefix;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void freshPlatform() {
        platform.reset();
        prefix = "T" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    }

    private String n(String suffix) {
        return prefix + "-" + suffix;
    }

    /** Starts a run with the body and waits for its end; answers the finished run. */
    private JsonPath syncAndWait(Map<String, Object> body) {
        long runId = asAdmin().body(body).post("/platform/orders/sync").then().statusCode(202)
                .body("alreadyRunning", equalTo(false)).extract().jsonPath().getLong("runId");
        return awaitRun(runId);
    }

    private JsonPath awaitRun(long runId) {
        await().atMost(WITHIN).until(() -> !"running".equals(asAdmin().get("/platform/orders/sync/runs/" + runId)
                .then().statusCode(200).extract().path("outcome")));
        return asAdmin().get("/platform/orders/sync/runs/" + runId).then().extract().jsonPath();
    }

    private JsonPath order(String orderNumber) {
        return asAdmin().get("/platform/orders/" + orderNumber).then().statusCode(200).extract().jsonPath();
    }

    private List<String> listed(String query) {
        return asAdmin().get("/platform/orders?limit=100&search=" + prefix + query).then().statusCode(200)
                .extract().jsonPath().getList("orders.orderNumber", String.class);
    }

    @Test
    void approvalFilterKeepsApprovedAndUnknownValuesAndLeavesOutPendingAndRejected() {
        platform.addOrder(n("A"), "approved").po(n("A") + "-1", "Acme");
        platform.addOrder(n("PA"), "pending_approval").po(n("PA") + "-1", "Acme");
        platform.addOrder(n("PP"), "pending_prepayment").po(n("PP") + "-1", "Acme");
        platform.addOrder(n("R"), "rejected").po(n("R") + "-1", "Acme");
        platform.addOrder(n("U"), "awaiting_art_" + prefix.toLowerCase()).po(n("U") + "-1", "Acme");

        JsonPath run = syncAndWait(Map.of("fullResync", true));

        assertThat(run.getString("outcome")).isEqualTo("succeeded");
        assertThat(run.getInt("fetched")).isEqualTo(5);
        assertThat(run.getInt("upserted")).isEqualTo(2);
        assertThat(run.getInt("excluded")).isEqualTo(3);
        assertThat(listed("")).containsExactlyInAnyOrder(n("A"), n("U"));
        for (String out : List.of("PA", "PP", "R")) {
            asAdmin().get("/platform/orders/" + n(out)).then().statusCode(404);
        }
        // Excluded orders never fetched their POs: one page and two PO lists.
        assertThat(platform.requests()).filteredOn(r -> r.contains("/purchase-orders")).hasSize(2);
    }

    @Test
    void resyncNeitherDuplicatesNorWritesAnything() throws SQLException {
        for (int i = 1; i <= 3; i++) {
            FakePlatform.Order o = platform.addOrder(n("O" + i), "approved");
            for (int p = 1; p <= i + 1; p++) {
                o.po("PO " + n("O" + i) + "-" + p, "Supplier " + p);
            }
        }
        JsonPath first = syncAndWait(Map.of("fullResync", true));
        assertThat(first.getInt("upserted")).isEqualTo(3);
        List<String> before = rowVersions();

        JsonPath second = syncAndWait(Map.of("fullResync", true));

        assertThat(second.getString("outcome")).isEqualTo("succeeded");
        assertThat(second.getInt("fetched")).isEqualTo(3);
        assertThat(second.getInt("upserted")).isZero();
        assertThat(second.getInt("unchanged")).isEqualTo(3);
        assertThat(rowVersions()).as("no row was written again").isEqualTo(before);
        assertThat(count("SELECT count(*) FROM platform_orders WHERE order_number LIKE ?", prefix + "%")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM purchase_orders WHERE po_number LIKE ?", prefix + "%")).isEqualTo(2 + 3 + 4);
        assertThat(count("SELECT count(*) FROM outbox_events WHERE event_type = 'platform_order.created' AND aggregate LIKE ?",
                "platform_order:" + prefix + "%")).isEqualTo(3);
        JsonPath o3 = order(n("O3"));
        assertThat(o3.getInt("order.poCount")).isEqualTo(4);
        // Stored normalised: "PO T…-O3-1" is kept as "T…-O3-1".
        assertThat(o3.getList("order.purchaseOrders.poNumber", String.class)).contains(n("O3") + "-1");

        platform.order(n("O2")).supplier("PO " + n("O2") + "-1", "New Supplier");
        JsonPath third = syncAndWait(Map.of("fullResync", true));
        assertThat(third.getInt("upserted")).isEqualTo(1);
        assertThat(third.getInt("unchanged")).isEqualTo(2);
        assertThat(order(n("O2")).getList("order.purchaseOrders.supplierName", String.class)).contains("New Supplier");
        assertThat(count("SELECT count(*) FROM purchase_orders WHERE po_number LIKE ?", prefix + "%")).isEqualTo(9);
    }

    @Test
    void aPoThatMovesToAnotherOrderIsCountedOnTheNewOne() {
        FakePlatform.Order a = platform.addOrder(n("MA"), "approved").po(n("MA") + "-1", "Acme").po(n("MA") + "-2", "Acme");
        FakePlatform.Order b = platform.addOrder(n("MB"), "approved").po(n("MB") + "-1", "Bolt");
        syncAndWait(Map.of("fullResync", true));

        a.movePo(n("MA") + "-2", b);
        JsonPath run = syncAndWait(Map.of("fullResync", true));

        assertThat(run.getInt("upserted")).isEqualTo(2);
        assertThat(order(n("MA")).getInt("order.poCount")).isEqualTo(1);
        assertThat(order(n("MB")).getInt("order.poCount")).isEqualTo(2);
        assertThat(order(n("MB")).getList("order.purchaseOrders.poNumber", String.class))
                .containsExactly(n("MA") + "-2", n("MB") + "-1");
    }

    @Test
    void pagesAreReadToTheEnd() {
        // Page size is 5 in tests: 12 orders are three pages.
        for (int i = 1; i <= 12; i++) {
            platform.addOrder(n(String.format("P%02d", i)), "approved").po(n(String.format("P%02d", i)) + "-1", "Acme");
        }

        JsonPath run = syncAndWait(Map.of("fullResync", true));

        assertThat(run.getInt("fetched")).isEqualTo(12);
        assertThat(run.getInt("upserted")).isEqualTo(12);
        assertThat(listed("")).hasSize(12);
        // Each request reads on from the last order read; the one read again on the boundary is not counted twice.
        assertThat(platform.requests()).filteredOn(r -> r.startsWith("/orders?")).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void anOrderThatBecomesRejectedIsMarkedExcludedNotDeleted() {
        FakePlatform.Order o = platform.addOrder(n("X"), "approved").po(n("X") + "-1", "Acme");
        syncAndWait(Map.of("fullResync", true));
        assertThat(listed("")).containsExactly(n("X"));

        o.approval("rejected");
        JsonPath run = syncAndWait(Map.of("fullResync", true));

        assertThat(run.getInt("excluded")).isEqualTo(1);
        assertThat(listed("")).isEmpty();
        JsonPath kept = order(n("X"));
        assertThat(kept.getBoolean("order.excluded")).isTrue();
        assertThat(kept.getString("order.approval")).isEqualTo("rejected");
        assertThat(kept.getList("order.purchaseOrders.poNumber", String.class)).containsExactly(n("X") + "-1");
        assertThat(asAdmin().get("/platform/orders?excluded=true&search=" + prefix).then().statusCode(200)
                .extract().jsonPath().getList("orders.orderNumber", String.class)).containsExactly(n("X"));

        o.approval("approved");
        syncAndWait(Map.of("fullResync", true));
        assertThat(listed("")).containsExactly(n("X"));
    }

    @Test
    void laterRunsReadFromTheLastSuccessfulRunAndFullResyncReadsEverything() {
        FakePlatform.Order old = platform.addOrder(n("OLD"), "approved").po(n("OLD") + "-1", "Acme");
        JsonPath first = syncAndWait(Map.of("fullResync", true));
        Instant firstStart = Instant.parse(first.getString("startedAt"));
        assertThat(Instant.parse(first.getString("since"))).isBefore(Instant.now().minus(180, ChronoUnit.DAYS));

        // Changed, but with an updated_at before the last run: a normal run does not see it.
        old.supplier(n("OLD") + "-1", "Changed Supplier").updatedAt(firstStart.minus(1, ChronoUnit.HOURS));
        platform.addOrder(n("NEW"), "approved").po(n("NEW") + "-1", "Acme");
        JsonPath incremental = syncAndWait(Map.of());
        // The watermark: the newest updated_at the first run read, minus the overlap (5 minutes).
        Instant watermark = Instant.parse(incremental.getString("since"));
        assertThat(watermark).isBefore(firstStart).isAfter(firstStart.minus(1, ChronoUnit.HOURS));
        assertThat(incremental.getBoolean("fullResync")).isFalse();
        assertThat(incremental.getInt("fetched")).isEqualTo(1);
        assertThat(listed("")).contains(n("NEW"));
        assertThat(order(n("OLD")).getList("order.purchaseOrders.supplierName", String.class)).containsExactly("Acme");
        assertThat(platform.requests()).anyMatch(r -> r.contains("updated_since=" + watermark.toString().replace(":", "%3A")));

        JsonPath full = syncAndWait(Map.of("fullResync", true));
        assertThat(full.getBoolean("fullResync")).isTrue();
        assertThat(full.getInt("fetched")).isEqualTo(2);
        assertThat(order(n("OLD")).getList("order.purchaseOrders.supplierName", String.class))
                .containsExactly("Changed Supplier");

        Instant since = firstStart.minus(2, ChronoUnit.HOURS);
        JsonPath explicit = syncAndWait(Map.of("since", since.toString()));
        assertThat(Instant.parse(explicit.getString("since"))).isEqualTo(since);
        assertThat(explicit.getInt("fetched")).isEqualTo(2);
        assertThat(explicit.getInt("unchanged")).isEqualTo(2);
    }

    @Test
    void sinceWithFullResyncOrInTheFutureIsRefused() {
        asAdmin().body(Map.of("since", "2026-01-01T00:00:00Z", "fullResync", true)).post("/platform/orders/sync")
                .then().statusCode(422).body("errors[0].field", equalTo("since"));
        asAdmin().body(Map.of("since", Instant.now().plus(1, ChronoUnit.DAYS).toString())).post("/platform/orders/sync")
                .then().statusCode(422).body("errors[0].field", equalTo("since"));
        asAdmin().body("{\"since\": \"yesterday\"}").post("/platform/orders/sync").then().statusCode(400);
    }

    @Test
    void rateLimitsServerErrorsAndSlowPagesAreRetriedUntilTheRunSucceeds() throws SQLException {
        for (int i = 1; i <= 7; i++) {
            platform.addOrder(n("F" + i), "approved").po(n("F" + i) + "-1", "Acme").po(n("F" + i) + "-2", "Bolt");
        }
        platform.faults().next(1, FakePlatform.Endpoint.ORDERS).retryAfter(1);
        platform.faults().next(2, FakePlatform.Endpoint.PURCHASE_ORDERS).status(503);
        // Longer than the request timeout (2 s in tests): the first answer to the second page (the third
        // orders request, after the 429 and its retry) comes too late.
        platform.faults().ordersRequest(3).slow(Duration.ofSeconds(3));

        JsonPath run = syncAndWait(Map.of("fullResync", true));

        assertThat(run.getString("outcome")).isEqualTo("succeeded");
        assertThat(run.getInt("upserted")).isEqualTo(7);
        assertThat(run.getInt("errors")).isZero();
        assertThat(listed("")).hasSize(7);
        assertThat(count("SELECT count(*) FROM purchase_orders WHERE po_number LIKE ?", prefix + "%")).isEqualTo(14);
        // Retry-After: 1 was honoured: the first page was asked again no sooner than a second after the 429.
        List<FakePlatform.Request> pages = platform.timedRequests().stream()
                .filter(r -> r.uri().startsWith("/orders?")).toList();
        assertThat(pages).hasSize(4);
        assertThat(pages.get(1).uri()).isEqualTo(pages.get(0).uri());
        assertThat(Duration.between(pages.get(0).at(), pages.get(1).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        // The slow answer timed out and the second page was asked again.
        assertThat(pages.get(3).uri()).isEqualTo(pages.get(2).uri());
        assertThat(platform.requests()).filteredOn(r -> r.endsWith("/purchase-orders")).hasSize(7 + 2);
    }

    @Test
    void anOrderChangedDuringARunDoesNotPushAnotherOntoAPageAlreadyRead() throws SQLException {
        List<FakePlatform.Order> orders = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            orders.add(platform.addOrder(n(String.format("C%02d", i)), "approved").po(n(String.format("C%02d", i)) + "-1", "Acme")
                    .updatedAt(Instant.now().minusSeconds(100 - i)));
        }
        // Right after the first page (C01..C05) is read, C01 changes and moves to the end of the list.
        platform.afterOrdersPage(1, () -> orders.get(0).supplier(n("C01") + "-1", "Changed Co"));

        JsonPath run = syncAndWait(Map.of("fullResync", true));

        assertThat(run.getString("outcome")).isEqualTo("succeeded");
        assertThat(listed("-C")).hasSize(8);
        assertThat(count("SELECT count(*) FROM purchase_orders WHERE po_number = ? AND supplier_name = 'Changed Co'",
                n("C01") + "-1")).isEqualTo(1);
    }

    @Test
    void aManualRunWithALaterSinceDoesNotMoveTheNextRunPastTheGapBeforeIt() {
        platform.addOrder(n("W1"), "approved").po(n("W1") + "-1", "Acme");
        assertThat(syncAndWait(Map.of()).getString("outcome")).isEqualTo("succeeded");
        // Changed after that run, but before the since of the manual run that follows.
        platform.addOrder(n("GAP"), "approved").po(n("GAP") + "-1", "Acme").updatedAt(Instant.now().minusSeconds(10));

        JsonPath manual = syncAndWait(Map.of("since", Instant.now().toString()));
        assertThat(manual.getString("outcome")).isEqualTo("succeeded");
        assertThat(listed("-GAP")).isEmpty();

        JsonPath next = syncAndWait(Map.of());
        assertThat(next.getString("outcome")).isEqualTo("succeeded");
        assertThat(listed("-GAP")).containsExactly(n("GAP"));
    }

    @Test
    void aMalformedPageFailsTheRunWithoutStoringThatPage() {
        for (int i = 1; i <= 8; i++) {
            platform.addOrder(n(String.format("M%02d", i)), "approved").po(n(String.format("M%02d", i)) + "-1", "Acme");
        }
        JsonPath good = syncAndWait(Map.of());
        platform.reset();
        for (int i = 1; i <= 8; i++) {
            platform.addOrder(n(String.format("N%02d", i)), "approved").po(n(String.format("N%02d", i)) + "-1", "Acme");
        }
        platform.faults().ordersRequest(2).malformed();

        JsonPath run = syncAndWait(Map.of());

        assertThat(run.getString("outcome")).isEqualTo("failed");
        assertThat(run.getInt("errors")).isEqualTo(1);
        assertThat(run.getString("error")).contains("orders page 1 updated since ").contains(" is malformed");
        assertThat(run.getInt("fetched")).isEqualTo(5);
        assertThat(listed("-N")).hasSize(5);

        platform.faults().clear();
        JsonPath next = syncAndWait(Map.of());
        // The failed run did not move the watermark: the next run reads again from where the good run left it.
        assertThat(Instant.parse(next.getString("since"))).isBeforeOrEqualTo(Instant.parse(good.getString("startedAt")));
        assertThat(next.getString("outcome")).isEqualTo("succeeded");
        assertThat(listed("-N")).hasSize(8);
    }

    @Test
    void anOrderWhosePurchaseOrdersKeepFailingIsAnErrorAndTheOthersAreStored() {
        platform.addOrder(n("OK1"), "approved").po(n("OK1") + "-1", "Acme");
        FakePlatform.Order broken = platform.addOrder(n("BAD"), "approved").po(n("BAD") + "-1", "Acme");
        platform.addOrder(n("OK2"), "approved").po(n("OK2") + "-1", "Acme");
        platform.faults().purchaseOrdersOf(broken).status(500);

        JsonPath run = syncAndWait(Map.of("fullResync", true));

        assertThat(run.getString("outcome")).isEqualTo("partial");
        assertThat(run.getInt("errors")).isEqualTo(1);
        assertThat(run.getInt("upserted")).isEqualTo(2);
        assertThat(run.getString("error")).contains("HTTP 500").contains("after 5 attempt(s)");
        assertThat(listed("")).containsExactlyInAnyOrder(n("OK1"), n("OK2"));
    }

    @Test
    void anOrdersDetailShowsTheNewestHundredEventsOfEachShipment() throws SQLException {
        platform.addOrder(n("EV"), "approved").po(n("EV") + "-1", "Acme");
        syncAndWait(Map.of("fullResync", true));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                WITH s AS (INSERT INTO tracked_shipments (tracking_number, courier_code, po_number)
                           VALUES (?, 'ups', ?) RETURNING id)
                INSERT INTO tracking_events (shipment_id, event_id, occurred_at, status, status_milestone)
                SELECT s.id, ? || g, now() - g * interval '1 minute', 'scan ' || g, 'in_transit'
                FROM s, generate_series(1, 130) g""")) {
            ps.setString(1, "1Z" + prefix + "EV");
            ps.setString(2, n("EV") + "-1");
            ps.setString(3, prefix + "-ev");
            ps.executeUpdate();
        }

        List<String> events = order(n("EV")).getList("shipments[0].events.status", String.class);

        assertThat(events).hasSize(100);
        assertThat(events.get(0)).isEqualTo("scan 1");
        assertThat(events.get(99)).isEqualTo("scan 100");
    }

    @Test
    void hasShipmentsStatusAndSearchFilterTheListAndTheDetailShowsShipmentsWithEvents() throws SQLException {
        platform.addOrder(n("S1"), "approved").po(n("S1") + "-1", "Acme Printing").po(n("S1") + "-2", "Bolt Bags");
        platform.addOrder(n("S2"), "approved").po(n("S2") + "-1", "Cotton Co");
        syncAndWait(Map.of("fullResync", true));
        String tracking = "1Z" + prefix;
        try (Connection c = dataSource.getConnection()) {
            long shipment;
            // Linked by its po_number alone, as the carrier side writes it: the triggers link and count it.
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO tracked_shipments (tracking_number, courier_code, po_number, status_code,
                                                   status_category, status_milestone, last_event_at)
                    VALUES (?, 'ups', ?, 'in_transit', 'transit', 'in_transit', now()) RETURNING id""")) {
                ps.setString(1, tracking);
                ps.setString(2, n("S1") + "-1");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    shipment = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO tracking_events (shipment_id, event_id, occurred_at, status, status_milestone, location)
                    VALUES (?, ?, now() - interval '1 hour', 'Picked up', 'info_received', 'Osaka'),
                           (?, ?, now(), 'Departed facility', 'in_transit', 'Tokyo')""")) {
                ps.setLong(1, shipment);
                ps.setString(2, prefix + "-e1");
                ps.setLong(3, shipment);
                ps.setString(4, prefix + "-e2");
                ps.executeUpdate();
            }
        }

        assertThat(listed("&hasShipments=true")).containsExactly(n("S1"));
        assertThat(listed("&hasShipments=false")).containsExactly(n("S2"));
        assertThat(listed("&status=in_transit")).containsExactly(n("S1"));
        assertThat(listed("&status=no_shipments")).containsExactly(n("S2"));
        JsonPath list = asAdmin().get("/platform/orders?hasShipments=true&search=" + prefix).then().statusCode(200)
                .extract().jsonPath();
        assertThat(list.getInt("orders[0].shipments.total")).isEqualTo(1);
        assertThat(list.getInt("orders[0].shipments.inTransit")).isEqualTo(1);
        assertThat(list.getString("orders[0].derivedStatus")).isEqualTo("in_transit");
        assertThat(list.getList("orders[0].purchaseOrders.poNumber", String.class))
                .containsExactly(n("S1") + "-1", n("S1") + "-2");

        // Search by PO number (as people type it) and by supplier.
        assertThat(asAdmin().get("/platform/orders?search=po " + n("S2") + "-1").then().statusCode(200).extract()
                .jsonPath().getList("orders.orderNumber", String.class)).containsExactly(n("S2"));
        assertThat(listed("").size()).isEqualTo(2);
        asAdmin().get("/platform/orders?search=bolt bags&limit=100").then().statusCode(200)
                .body("orders.orderNumber", org.hamcrest.Matchers.hasItem(n("S1")));

        JsonPath detail = order(n("S1"));
        assertThat(detail.getString("shipments[0].trackingNumber")).isEqualTo(tracking);
        assertThat(detail.getString("shipments[0].poNumber")).isEqualTo(n("S1") + "-1");
        assertThat(detail.getList("shipments[0].events.status", String.class))
                .containsExactly("Departed facility", "Picked up");
        assertThat(order(n("S2")).getList("shipments")).isEmpty();

        asAdmin().get("/platform/orders?status=lost").then().statusCode(422).body("errors[0].field", equalTo("status"));
        asAdmin().get("/platform/orders?limit=101").then().statusCode(422).body("errors[0].field", equalTo("limit"));
        asAdmin().get("/platform/orders?limit=ten").then().statusCode(422).body("errors[0].field", equalTo("limit"));
        asAdmin().get("/platform/orders?offset=-1").then().statusCode(422).body("errors[0].field", equalTo("offset"));
        asAdmin().get("/platform/orders?hasShipments=yes").then().statusCode(422)
                .body("errors[0].field", equalTo("hasShipments"));
        asAdmin().get("/platform/orders/" + n("NONE")).then().statusCode(404);
    }

    @Test
    void aSecondTriggerDuringARunAnswersTheRunningRun() {
        for (int i = 1; i <= 4; i++) {
            platform.addOrder(n("C" + i), "approved").po(n("C" + i) + "-1", "Acme");
        }
        // Slow enough that the run is still going when the second request comes.
        platform.latency(Duration.ofMillis(300));
        long runId = asAdmin().body(Map.of("fullResync", true)).post("/platform/orders/sync").then().statusCode(202)
                .body("alreadyRunning", equalTo(false)).extract().jsonPath().getLong("runId");

        asAdmin().body(Map.of()).post("/platform/orders/sync").then().statusCode(202)
                .body("alreadyRunning", equalTo(true)).body("runId", equalTo((int) runId));

        assertThat(awaitRun(runId).getInt("upserted")).isEqualTo(4);
    }

    @Test
    void aRunWhoseReplicaStoppedIsAbandonedByTheNextTrigger() throws SQLException {
        long stale;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO platform_sync_runs (trigger, since, started_at, heartbeat_at)
                VALUES ('schedule', now() - interval '1 day', now() - interval '2 hours', now() - interval '1 hour')
                RETURNING id""")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                stale = rs.getLong(1);
            }
        }
        platform.addOrder(n("AB"), "approved").po(n("AB") + "-1", "Acme");

        JsonPath run = syncAndWait(Map.of("fullResync", true));

        assertThat(run.getLong("id")).isNotEqualTo(stale);
        assertThat(run.getString("outcome")).isEqualTo("succeeded");
        JsonPath abandoned = asAdmin().get("/platform/orders/sync/runs/" + stale).then().statusCode(200).extract().jsonPath();
        assertThat(abandoned.getString("outcome")).isEqualTo("abandoned");
        assertThat(abandoned.getString("error")).contains("no heartbeat");
    }

    @Test
    void thePeriodicTriggerStartsARunOnTheReplicaHoldingTheLease() {
        platform.addOrder(n("SCH"), "approved").po(n("SCH") + "-1", "Acme");

        schedule.tick().await().atMost(WITHIN);

        JsonPath newest = asAdmin().get("/platform/orders/sync/runs?limit=1").then().statusCode(200).extract().jsonPath();
        assertThat(newest.getString("items[0].trigger")).isEqualTo("schedule");
        JsonPath run = awaitRun(newest.getLong("items[0].id"));
        assertThat(run.getString("outcome")).isEqualTo("succeeded");
        assertThat(listed("")).containsExactly(n("SCH"));
    }

    @Test
    void anOrphanShipmentWaitingForItsPoIsLinkedWhenTheSyncBringsThePo() throws SQLException {
        String tracking = "ORPH" + prefix;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO tracked_shipments (tracking_number, courier_code, raw_reference, po_number, status_milestone)
                VALUES (?, 'ups', ?, ?, 'delivered')""")) {
            ps.setString(1, tracking);
            ps.setString(2, "po " + n("L") + "-1");
            ps.setString(3, n("L") + "-1");
            ps.executeUpdate();
        }
        platform.addOrder(n("L"), "approved").po("PO#" + n("L") + "-1", "Acme").po(n("L") + "-2", "Acme");

        syncAndWait(Map.of("fullResync", true));

        JsonPath detail = order(n("L"));
        // The carrier tracking's rule counts shipments: the one there is was delivered.
        assertThat(detail.getString("order.derivedStatus")).isEqualTo("delivered");
        assertThat(detail.getInt("order.shipments.total")).isEqualTo(1);
        assertThat(detail.getInt("order.shipments.delivered")).isEqualTo(1);
        assertThat(detail.getString("shipments[0].trackingNumber")).isEqualTo(tracking);
        assertThat(listed("&hasShipments=true")).containsExactly(n("L"));
    }

    @Test
    void operatorsAndAdminsOnly() {
        String operator = Api.newKey("operator", null);
        String vendor = Api.newKey("vendor", Api.newVendor("platform vendor"));
        as(operator).get("/platform/orders").then().statusCode(200).body("orders", notNullValue());
        as(vendor).get("/platform/orders").then().statusCode(403);
        as(vendor).body(Map.of()).post("/platform/orders/sync").then().statusCode(403);
        as(vendor).get("/platform/orders/sync/runs").then().statusCode(403);
        long runId = as(operator).body(Map.of("fullResync", true)).post("/platform/orders/sync").then().statusCode(202)
                .header("Location", org.hamcrest.Matchers.containsString("/platform/orders/sync/runs/"))
                .extract().jsonPath().getLong("runId");
        awaitRun(runId);
        assertThat(as(operator).get("/platform/orders/sync/runs?limit=5").then().statusCode(200).extract().jsonPath()
                .getList("items.id", Long.class)).contains(runId);
    }

    private List<String> rowVersions() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT order_number || ':' || xmin::text FROM platform_orders WHERE order_number LIKE ?
                UNION ALL SELECT po_number || ':' || xmin::text FROM purchase_orders WHERE po_number LIKE ?
                ORDER BY 1""")) {
            ps.setString(1, prefix + "%");
            ps.setString(2, prefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private long count(String sql, String arg) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
