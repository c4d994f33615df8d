package dev.storesync.inventory;

import static dev.storesync.inventory.InventoryFixtures.awaitRun;
import static dev.storesync.testing.Api.asAdmin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A running run's progress, on GET and as Server-Sent Events, and every trigger during a run. */
@QuarkusTest
class InventoryRunProgressTest {

    @InjectShopifySimulator
    ShopifySimulator sim;

    private InventoryFixtures world;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void setUp() {
        world = InventoryFixtures.freshOwner(sim);
    }

    /** The SSE lines received so far, read on a thread of the HTTP client. */
    private static CompletableFuture<HttpResponse<Stream<String>>> stream(long runId, List<String> lines) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                + "/admin/inventory/runs/" + runId + "/events")).header("Authorization", "Bearer " + Api.ADMIN_KEY)
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(60)).build();
        return HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .thenApply(response -> {
                    response.body().forEach(lines::add);
                    return response;
                });
    }

    /** The events of an SSE text: name and JSON data. */
    private static List<Object[]> events(List<String> lines) {
        List<Object[]> out = new ArrayList<>();
        String name = null;
        for (String line : lines) {
            if (line.startsWith("event:")) {
                name = line.substring("event:".length()).trim();
            } else if (line.startsWith("data:")) {
                out.add(new Object[] {name, new JsonObject(line.substring("data:".length()).trim())});
            }
        }
        return out;
    }

    @Test
    void shouldReportProgressOfARunningRunAndStreamItUntilItEnds() throws Exception {
        InventoryFixtures.Partner first = world.partner("first").item(5, 0).item(6, 0);
        InventoryFixtures.Partner second = world.partner("second").item(1, 0).item(2, 0).item(3, 0);
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        second.shop.shop.beforeNext("InventoryPartnerStock", () -> {
            reading.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        long runId = InventoryFixtures.syncNow();
        try {
            assertThat(reading.await(20, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> asAdmin().get("/admin/inventory/runs/" + runId)
                    .then().statusCode(200).extract().jsonPath().getInt("progress.partnersDone") == 1);
            JsonPath running = asAdmin().get("/admin/inventory/runs/" + runId).then().statusCode(200).extract().jsonPath();
            assertThat(running.getString("outcome")).isEqualTo("running");
            assertThat(running.getInt("progress.partnersTotal")).isEqualTo(2);
            assertThat(running.getInt("progress.itemsDone")).isEqualTo(2);
            assertThat(running.getInt("progress.itemsTotal")).isEqualTo(5);

            // Every trigger during the run is answered with the running run's id and starts nothing.
            JsonPath again = asAdmin().post("/admin/inventory/sync").then().statusCode(202).extract().jsonPath();
            assertThat(again.getLong("runId")).isEqualTo(runId);
            assertThat(again.getBoolean("alreadyRunning")).isTrue();
            JsonPath resync = asAdmin().post("/admin/inventory/sync?partner=" + first.id).then().statusCode(202)
                    .extract().jsonPath();
            assertThat(resync.getLong("runId")).isEqualTo(runId);
            assertThat(resync.getBoolean("alreadyRunning")).isTrue();
            JsonPath cron = given().header(InventoryCronResource.HEADER, "test-cron-secret")
                    .post("/api/cron/inventory-sync").then().statusCode(202).extract().jsonPath();
            assertThat(cron.getLong("runId")).isEqualTo(runId);
            assertThat(cron.getBoolean("alreadyRunning")).isTrue();

            List<String> lines = new CopyOnWriteArrayList<>();
            CompletableFuture<HttpResponse<Stream<String>>> ended = stream(runId, lines);
            await().atMost(Duration.ofSeconds(10)).until(() -> !events(lines).isEmpty());
            Object[] firstEvent = events(lines).get(0);
            assertThat(firstEvent[0]).isEqualTo("progress");
            assertThat(((JsonObject) firstEvent[1]).getInteger("partnersDone")).isEqualTo(1);
            assertThat(((JsonObject) firstEvent[1]).getInteger("itemsTotal")).isEqualTo(5);
            assertThat(ended).isNotDone();

            release.countDown();
            ended.get(20, TimeUnit.SECONDS);
            List<Object[]> all = events(lines);
            Object[] last = all.get(all.size() - 1);
            assertThat(last[0]).isEqualTo("finished");
            JsonObject done = (JsonObject) last[1];
            assertThat(done.getString("outcome")).isEqualTo("succeeded");
            assertThat(done.getInteger("partnersDone")).isEqualTo(2);
            assertThat(done.getInteger("itemsDone")).isEqualTo(5);
            assertThat(all.stream().filter(e -> "finished".equals(e[0]))).hasSize(1);
        } finally {
            release.countDown();
        }

        JsonPath run = awaitRun(runId);
        assertThat(run.getInt("progress.partnersDone")).isEqualTo(2);
        assertThat(second.ownerStock(2)).isEqualTo(3);

        // An ended run's stream is its final event alone.
        List<String> lines = new CopyOnWriteArrayList<>();
        stream(runId, lines).get(10, TimeUnit.SECONDS);
        assertThat(events(lines)).hasSize(1);
        assertThat(events(lines).get(0)[0]).isEqualTo("finished");

        asAdmin().get("/admin/inventory/runs/999999999/events").then().statusCode(404)
                .contentType("application/problem+json").body("status", org.hamcrest.Matchers.equalTo(404));
        given().get("/admin/inventory/runs/" + runId + "/events").then().statusCode(401);
    }
}
