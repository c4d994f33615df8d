package dev.storesync.shopify;

import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.testing.ConnectedShop;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Admin GraphQL client against the simulator: pacing, recovery and classified failures. */
@QuarkusTest
class ShopifyAdminClientTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectShopifySimulator
    ShopifySimulator sim;

    @Inject
    ShopifyAdminClient client;

    @AfterEach
    void clearFaults() {
        sim.faults().clear();
        sim.serveApiVersion(null);
        sim.deprecatedReason(null);
    }

    private ShopifyResult shopInfo(String domain) {
        return client.query(domain, "ShopInfo", Map.of()).await().atMost(WAIT);
    }

    @Test
    void shouldPaceABurstAtTheRestoreRateWithoutFailing() {
        ConnectedShop store = ConnectedShop.connect(sim, "pace");
        store.shop.bucket(20, 20);
        ShopifyResult first = shopInfo(store.domain);
        assertThat(first).isInstanceOf(ShopifyResult.Success.class);
        Integer actual = ((ShopifyResult.Success) first).actualCost();
        int cost = actual == null ? 1 : Math.max(1, actual);

        int calls = 40;
        long start = System.nanoTime();
        List<CompletableFuture<ShopifyResult>> burst = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            burst.add(client.query(store.domain, "ShopInfo", Map.of()).subscribeAsCompletionStage());
        }
        List<ShopifyResult> results = burst.stream().map(CompletableFuture::join).toList();
        double seconds = (System.nanoTime() - start) / 1e9;

        assertThat(results).allMatch(r -> r instanceof ShopifyResult.Success);
        // The bucket (20 points) covers few calls; the rest had to wait for the restore rate (20 points/s).
        double minimum = (calls * cost - 20) / 20.0;
        assertThat(seconds).isGreaterThan(minimum * 0.7);
        assertThat(store.shop.throttledCount()).isLessThan(calls / 4);
    }

    @Test
    void shouldWaitOutThrottledAnswersAndRetryAfter() {
        ConnectedShop store = ConnectedShop.connect(sim, "throttle");
        sim.faults().next(2).shop(store.domain).status(429);
        assertThat(shopInfo(store.domain)).isInstanceOf(ShopifyResult.Success.class);
        assertThat(sim.faults().injectedCount()).isEqualTo(2);
    }

    @Test
    void shouldRecoverFromABurstOfServerErrorsAndDroppedConnections() {
        ConnectedShop store = ConnectedShop.connect(sim, "flaky");
        sim.faults().next(2).shop(store.domain).status(503);
        sim.faults().next(1).shop(store.domain).dropConnection();
        assertThat(shopInfo(store.domain)).isInstanceOf(ShopifyResult.Success.class);
    }

    @Test
    void shouldReportTransientWhenShopifyKeepsFailing() {
        ConnectedShop store = ConnectedShop.connect(sim, "down");
        sim.faults().next(10).shop(store.domain).status(500);
        ShopifyResult result = shopInfo(store.domain);
        assertThat(result).isInstanceOf(ShopifyResult.Transient.class);
        assertThat(result.retryable()).isTrue();
        assertThat(result.message().ja()).contains("自動的に再試行します");
    }

    @Test
    void shouldSayInWordsWhyShopifyDidNotAnswer() {
        ConnectedShop store = ConnectedShop.connect(sim, "dropped");
        sim.faults().always().shop(store.domain).dropConnection();
        ShopifyResult result = shopInfo(store.domain);
        assertThat(result).isInstanceOf(ShopifyResult.Transient.class);
        assertThat(result.message().en()).contains("could not be reached or closed the connection")
                .doesNotContainIgnoringCase("exception");
        assertThat(result.message().ja()).contains("接続が切断されました").doesNotContainIgnoringCase("exception");
    }

    @Test
    void shouldPauseCallsOnlyForTheShopShopifyKeepsFailingFor() {
        ConnectedShop failing = ConnectedShop.connect(sim, "outage");
        ConnectedShop healthy = ConnectedShop.connect(sim, "healthy");
        sim.faults().always().shop(failing.domain).status(500);

        await().atMost(WAIT).until(() -> shopInfo(failing.domain) instanceof ShopifyResult.Transient t
                && t.cause() == ShopifyResult.Cause.PAUSED_AFTER_FAILURES);
        int reached = sim.operations(failing.domain, "ShopInfo").size();
        ShopifyResult paused = shopInfo(failing.domain);
        assertThat(paused.message().en()).contains("paused");
        assertThat(sim.operations(failing.domain, "ShopInfo")).hasSize(reached);

        assertThat(shopInfo(healthy.domain)).isInstanceOf(ShopifyResult.Success.class);
    }

    @Test
    void shouldCountEveryChangeOfTheShopInItsVersion() {
        ConnectedShop store = ConnectedShop.connect(sim, "versioned");
        long registered = version(store);

        sim.faults().next(1).shop(store.domain).status(402);
        assertThat(shopInfo(store.domain)).isInstanceOf(ShopifyResult.ShopUnavailable.class);
        long paused = version(store);
        assertThat(paused).isGreaterThan(registered);

        long answered = asAdmin().post("/admin/shops/" + store.shopId + "/resume").then().statusCode(200)
                .extract().jsonPath().getLong("version");
        long resumed = version(store);
        assertThat(resumed).isGreaterThan(paused).isEqualTo(answered);

        store.shop.accessToken("rotated-elsewhere");
        assertThat(shopInfo(store.domain)).isInstanceOf(ShopifyResult.Unauthorized.class);
        asAdmin().get("/admin/shops/" + store.shopId).then().body("needsReauth", org.hamcrest.Matchers.equalTo(true));
        assertThat(version(store)).isGreaterThan(resumed);
    }

    private static long version(ConnectedShop store) {
        return asAdmin().get("/admin/shops/" + store.shopId).then().statusCode(200).extract().jsonPath().getLong("version");
    }

    @Test
    void shouldNotResendANonIdempotentMutationAfterAServerError() {
        ConnectedShop store = ConnectedShop.connect(sim, "once");
        sim.faults().next(1).shop(store.domain).operation("FulfillmentCancel").status(502);
        ShopifyResult result = client.mutateOnce(store.domain, "FulfillmentCancel",
                Map.of("id", "gid://shopify/Fulfillment/1")).await().atMost(WAIT);
        assertThat(result).isInstanceOf(ShopifyResult.Transient.class);
        assertThat(sim.operations(store.domain, "FulfillmentCancel")).hasSize(1);
    }

    @Test
    void shouldPauseAFrozenShopAndSayWhatToDo() {
        ConnectedShop store = ConnectedShop.connect(sim, "frozen");
        sim.faults().next(1).shop(store.domain).status(402);
        ShopifyResult result = shopInfo(store.domain);
        assertThat(result).isInstanceOf(ShopifyResult.ShopUnavailable.class);
        assertThat(result.message().en()).contains("frozen").contains("resume");
        assertThat(result.message().ja()).contains("凍結");
        asAdmin().get("/admin/shops/" + store.shopId).then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("paused"))
                .body("pausedReason", org.hamcrest.Matchers.containsString("402"));
        assertThat(shopInfo(store.domain)).isInstanceOf(ShopifyResult.ShopUnavailable.class);
    }

    @Test
    void shouldPauseALockedShop() {
        ConnectedShop store = ConnectedShop.connect(sim, "locked");
        sim.faults().next(1).shop(store.domain).status(423);
        assertThat(shopInfo(store.domain)).isInstanceOf(ShopifyResult.ShopUnavailable.class);
        asAdmin().get("/admin/shops/" + store.shopId).then().body("state", org.hamcrest.Matchers.equalTo("paused"));
    }

    @Test
    void shouldNameTheMissingScopeOnForbidden() {
        ConnectedShop store = ConnectedShop.connect(sim, "scope");
        sim.faults().next(1).shop(store.domain).status(403);
        ShopifyResult result = shopInfo(store.domain);
        assertThat(result).isInstanceOf(ShopifyResult.Forbidden.class);
        assertThat(result.message().en()).contains("Re-authorize");
    }

    @Test
    void shouldFlagTheShopForReauthorizationWhenTheTokenIsRejected() {
        ConnectedShop store = ConnectedShop.connect(sim, "revoked");
        store.shop.accessToken("rotated-elsewhere");
        ShopifyResult result = shopInfo(store.domain);
        assertThat(result).isInstanceOf(ShopifyResult.Unauthorized.class);
        assertThat(result.message().en()).contains("/shopify/install?shop=" + store.domain);
        asAdmin().get("/admin/shops/" + store.shopId).then().body("needsReauth", org.hamcrest.Matchers.equalTo(true));
    }

    @Test
    void shouldLogWhenShopifyServesAnotherApiVersion() throws Exception {
        ConnectedShop store = ConnectedShop.connect(sim, "version");
        sim.serveApiVersion("2026-07");
        sim.deprecatedReason("FulfillmentOrder.foo is deprecated");
        assertThat(shopInfo(store.domain)).isInstanceOf(ShopifyResult.Success.class);
        String log = Files.readString(Path.of("target/storesync-test.log"));
        assertThat(log).contains("served API version 2026-07 instead of 2026-10 for " + store.domain);
        assertThat(log).contains("FulfillmentOrder.foo is deprecated");
    }
}
