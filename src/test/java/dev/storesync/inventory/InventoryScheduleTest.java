package dev.storesync.inventory;

import static dev.storesync.inventory.InventoryFixtures.awaitRun;
import static dev.storesync.testing.Api.asAdmin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.storesync.kernel.JobLeases;
import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The schedule's runtime settings and its tick (every second in the test profile), and the
 * external cron endpoint. The schedule is disabled again after each test, for the other tests.
 */
@QuarkusTest
class InventoryScheduleTest {

    private static final String CRON = "/api/cron/inventory-sync";
    private static final String CRON_SECRET = "test-cron-secret";

    @InjectShopifySimulator
    ShopifySimulator sim;

    @Inject
    Pool pool;

    @Inject
    InventoryScheduler scheduler;

    @Inject
    InventorySync sync;

    private InventoryFixtures world;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void setUp() {
        schedule(false, 60);
        // Earlier scheduled runs (of earlier tests) are moved out of any interval, so a slot is due.
        sql("UPDATE inventory_sync_runs SET started_at = started_at - interval '2 days' WHERE trigger = 'schedule'");
        world = InventoryFixtures.freshOwner(sim);
    }

    @AfterEach
    void disableSchedule() {
        schedule(false, 60);
        sim.faults().clear();
    }

    private static JsonPath schedule(boolean enabled, int minutes) {
        return asAdmin().body(Map.of("enabled", enabled, "intervalMinutes", minutes)).put("/admin/inventory/schedule")
                .then().statusCode(200).body("enabled", equalTo(enabled)).body("intervalMinutes", equalTo(minutes))
                .extract().jsonPath();
    }

    private long sql(String statement) {
        return pool.query(statement).execute().await().atMost(Duration.ofSeconds(10)).rowCount();
    }

    private long scheduledRuns() {
        return pool.query("SELECT count(*) AS n FROM inventory_sync_runs WHERE trigger = 'schedule' "
                + "AND started_at > now() - interval '1 day'").execute().await().atMost(Duration.ofSeconds(10))
                .iterator().next().getLong("n");
    }

    private long latestScheduledRun() {
        return pool.query("SELECT max(id) AS id FROM inventory_sync_runs WHERE trigger = 'schedule'").execute()
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("id");
    }

    /** Makes the latest scheduled run look as if it started {@code minutes} ago. */
    private void lastScheduledRunStarted(int minutes) {
        pool.preparedQuery("UPDATE inventory_sync_runs SET started_at = now() - $2 * interval '1 minute' WHERE id = $1")
                .execute(Tuple.of(latestScheduledRun(), minutes)).await().atMost(Duration.ofSeconds(10));
    }

    /** No scheduled run starts during a few ticks. */
    private void assertNoScheduledRunFor(Duration quiet, String why) {
        long before = scheduledRuns();
        await().during(quiet).atMost(quiet.plusSeconds(5)).until(() -> scheduledRuns() == before);
        assertThat(scheduledRuns()).as(why).isEqualTo(before);
    }

    private long awaitScheduledRun(long before) {
        await().atMost(Duration.ofSeconds(15)).until(() -> scheduledRuns() == before + 1);
        long id = latestScheduledRun();
        awaitRun(id);
        return id;
    }

    @Test
    void shouldValidateTheScheduleSettingsAndApplyThemWithoutARestart() {
        asAdmin().get("/admin/inventory/schedule").then().statusCode(200).body("enabled", equalTo(false))
                .body("intervalMinutes", equalTo(60)).body("nextRunAt", nullValue());
        asAdmin().body(Map.of("enabled", true, "intervalMinutes", 4)).put("/admin/inventory/schedule").then()
                .statusCode(422).body("errors.field", hasItem("intervalMinutes"));
        asAdmin().body(Map.of("enabled", true, "intervalMinutes", 1441)).put("/admin/inventory/schedule").then()
                .statusCode(422).body("errors.field", hasItem("intervalMinutes"));
        asAdmin().body(Map.of("intervalMinutes", 30)).put("/admin/inventory/schedule").then().statusCode(422)
                .body("errors.field", hasItem("enabled"));
        asAdmin().body(Map.of("enabled", true, "intervalMinutes", 30.5)).put("/admin/inventory/schedule").then()
                .statusCode(422);
        asAdmin().get("/admin/inventory/schedule").then().statusCode(200).body("enabled", equalTo(false))
                .body("intervalMinutes", equalTo(60));
        given().body(Map.of("enabled", true, "intervalMinutes", 30)).contentType("application/json")
                .put("/admin/inventory/schedule").then().statusCode(401);

        JsonPath on = schedule(true, 5);
        assertThat(on.getString("nextRunAt")).isNotNull();
        asAdmin().get("/admin/inventory/schedule").then().statusCode(200).body("enabled", equalTo(true))
                .body("intervalMinutes", equalTo(5));
    }

    @Test
    void shouldStartScheduledRunsOnlyWhenEnabledAndDue() {
        InventoryFixtures.Partner partner = world.partner("scheduled").item(7, 1);

        assertNoScheduledRunFor(Duration.ofSeconds(3), "disabled: no run");
        assertThat(partner.ownerStock(0)).isEqualTo(1);

        long before = scheduledRuns();
        schedule(true, 5);
        long first = awaitScheduledRun(before);
        JsonPath run = awaitRun(first);
        assertThat(run.getString("trigger")).isEqualTo("schedule");
        assertThat(run.getString("outcome")).isEqualTo("succeeded");
        assertThat(partner.ownerStock(0)).isEqualTo(7);
        asAdmin().get("/admin/inventory/schedule").then().body("lastScheduledRunAt", notNullValue());

        partner.items.get(0).available(partner.shop.shop.primaryLocation(), 9);
        lastScheduledRunStarted(4);
        assertNoScheduledRunFor(Duration.ofSeconds(3), "4 of 5 minutes passed: not due");
        assertThat(partner.ownerStock(0)).isEqualTo(7);

        long beforeSecond = scheduledRuns();
        lastScheduledRunStarted(6);
        long second = awaitScheduledRun(beforeSecond);
        assertThat(second).isNotEqualTo(first);
        assertThat(partner.ownerStock(0)).isEqualTo(9);

        // A longer interval applies from the next tick on: 6 of 10 minutes is not due.
        schedule(true, 10);
        lastScheduledRunStarted(6);
        assertNoScheduledRunFor(Duration.ofSeconds(3), "6 of 10 minutes passed: not due");

        schedule(false, 10);
        lastScheduledRunStarted(60);
        assertNoScheduledRunFor(Duration.ofSeconds(3), "disabled again: no run even though due");
    }

    @Test
    void shouldStartOneScheduledRunPerSlotAcrossInstancesRacingTheirTicks() {
        world.partner("slots").item(3, 0);
        // Counted first: this instance's own tick may start the slot's run as soon as it is enabled.
        long before = scheduledRuns();
        schedule(true, 5);

        for (int slot = 0; slot < 2; slot++) {
            // Two more app instances tick at the same moment as this one, after the lease lapsed.
            sql("DELETE FROM job_leases WHERE name = '" + InventoryScheduler.LEASE + "'");
            JobLeases a = new JobLeases(pool, "instance-a-" + UUID.randomUUID());
            JobLeases b = new JobLeases(pool, "instance-b-" + UUID.randomUUID());
            List<Uni<Long>> racing = new ArrayList<>(List.of(scheduler.tick(a), scheduler.tick(b)));
            // And even replicas that all believe they hold the lease start one run per slot.
            for (int i = 0; i < 3; i++) {
                racing.add(sync.startScheduled());
            }
            List<Long> started = Uni.join().all(racing).andCollectFailures().await().atMost(Duration.ofSeconds(15))
                    .stream().filter(Objects::nonNull).toList();
            assertThat(started).as("runs the racers started in slot " + slot).hasSizeLessThanOrEqualTo(1);

            long expected = before + slot + 1;
            await().atMost(Duration.ofSeconds(15)).until(() -> scheduledRuns() >= expected);
            awaitRun(latestScheduledRun());
            assertNoScheduledRunFor(Duration.ofSeconds(2), "one run in slot " + slot);
            assertThat(scheduledRuns()).isEqualTo(expected);
            lastScheduledRunStarted(6);
        }
    }

    @Test
    void shouldStartARunFromTheCronEndpointOnlyWithTheRightSecret() {
        InventoryFixtures.Partner partner = world.partner("cron").item(4, 0);
        long runsBefore = sql("SELECT id FROM inventory_sync_runs");

        given().post(CRON).then().statusCode(401).contentType("application/problem+json")
                .body("status", equalTo(401));
        given().header(InventoryCronResource.HEADER, "test-cron-secreT").post(CRON).then().statusCode(401)
                .contentType("application/problem+json");
        given().header(InventoryCronResource.HEADER, "wrong").post(CRON).then().statusCode(401);
        // An API key is no cron secret.
        asAdmin().post(CRON).then().statusCode(401);
        assertThat(sql("SELECT id FROM inventory_sync_runs")).as("nothing ran").isEqualTo(runsBefore);
        assertThat(partner.ownerStock(0)).isZero();

        given().get(CRON).then().statusCode(405);
        given().header(InventoryCronResource.HEADER, CRON_SECRET).post(CRON + "/more").then().statusCode(404);
        // The cron secret opens nothing else.
        given().header(InventoryCronResource.HEADER, CRON_SECRET).get("/admin/inventory/schedule").then()
                .statusCode(401);

        JsonPath accepted = given().header(InventoryCronResource.HEADER, CRON_SECRET).post(CRON).then()
                .statusCode(202).extract().jsonPath();
        assertThat(accepted.getBoolean("alreadyRunning")).isFalse();
        JsonPath run = awaitRun(accepted.getLong("runId"));
        assertThat(run.getString("trigger")).isEqualTo("cron");
        assertThat(partner.ownerStock(0)).isEqualTo(4);
        asAdmin().get("/admin/inventory/runs?trigger=cron&limit=1").then().statusCode(200)
                .body("items[0].id", equalTo((int) accepted.getLong("runId")));
    }
}
