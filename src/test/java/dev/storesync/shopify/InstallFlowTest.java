package dev.storesync.shopify;

import static dev.storesync.testing.Api.asAdmin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import dev.storesync.shopify.oauth.ShopifyOAuthClient;
import dev.storesync.shopify.oauth.TokenRefresher;
import dev.storesync.shopify.sim.Faults;
import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimShop;
import dev.storesync.shops.ShopAccess;
import dev.storesync.shops.ShopTokens;
import dev.storesync.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** App installation through Shopify's OAuth, against the simulator's authorize and token endpoints. */
@QuarkusTest
class InstallFlowTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @InjectShopifySimulator
    ShopifySimulator sim;

    @Inject
    ShopifyAdminClient client;

    @Inject
    dev.storesync.shopify.oauth.TokenMaintenance maintenance;

    @Inject
    io.agroal.api.AgroalDataSource dataSource;

    @Inject
    ShopifyOAuthClient oauth;

    @Inject
    ShopTokens tokens;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    /** Starts the install at StoreSync and approves it at the simulator; returns the callback's query. */
    private Map<String, String> approve(String domain) throws Exception {
        String authorize = given().redirects().follow(false).get("/shopify/install?shop=" + domain)
                .then().statusCode(302).extract().header("Location");
        assertThat(authorize).startsWith(sim.adminBaseUrl().replace("{shop}", domain) + "/admin/oauth/authorize")
                .contains("client_id=test-client-id").contains("state=").contains("redirect_uri=");
        HttpResponse<String> approved = HTTP.send(HttpRequest.newBuilder(URI.create(authorize)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(approved.statusCode()).isEqualTo(302);
        String callback = approved.headers().firstValue("Location").orElseThrow();
        assertThat(callback).startsWith("http://localhost:8080/shopify/callback?");
        return query(callback.substring(callback.indexOf('?') + 1));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    private static io.restassured.response.Response callback(Map<String, String> params) {
        return given().queryParams(params).get("/shopify/callback");
    }

    private static Map<String, String> resigned(Map<String, String> params) {
        Map<String, String> copy = new LinkedHashMap<>(params);
        copy.remove("hmac");
        copy.put("hmac", ShopifySimulator.oauthHmac(copy, "test-client-secret"));
        return copy;
    }

    private static boolean stored(String domain) {
        return asAdmin().get("/admin/shops").then().statusCode(200).extract().jsonPath()
                .getList("domain", String.class).contains(domain);
    }

    @Test
    void shouldInstallStoreExpiringTokensAndSubscribeWebhooks() throws Exception {
        String domain = Api.uniqueShopDomain("install");
        SimShop shop = sim.addShop(domain, "pre-install-token");

        callback(approve(domain)).then().statusCode(200)
                .body("shop", equalTo(domain))
                .body("webhooks.failed.size()", equalTo(0));

        long id = asAdmin().get("/admin/shops").then().extract().jsonPath().getLong("find { it.domain == '" + domain + "' }.id");
        asAdmin().get("/admin/shops/" + id).then().statusCode(200)
                .body("state", equalTo("active"))
                .body("hasAccessToken", equalTo(true))
                .body("accessTokenExpiresAt", org.hamcrest.Matchers.notNullValue());
        assertThat(shop.webhookSubscriptions()).extracting(s -> s.topic())
                .contains("APP_UNINSTALLED", "ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_CANCELLED", "ORDERS_DELETE",
                        "FULFILLMENT_ORDERS_ORDER_ROUTING_COMPLETE", "FULFILLMENT_ORDERS_HOLD_RELEASED")
                .doesNotContain("SHOP_REDACT", "CUSTOMERS_REDACT", "CUSTOMERS_DATA_REQUEST");
        assertThat(shop.webhookSubscriptions()).allMatch(s -> s.callbackUrl().equals("http://localhost:8080/webhooks/shopify"));
        int subscriptions = shop.webhookSubscriptions().size();

        assertThat(client.query(domain, "ShopInfo", Map.of()).await().atMost(Duration.ofSeconds(10)))
                .isInstanceOf(ShopifyResult.Success.class);

        // Reinstalling is idempotent: nothing duplicated, nothing to fix.
        callback(approve(domain)).then().statusCode(200).body("webhooks.created.size()", equalTo(0))
                .body("webhooks.unchanged.size()", equalTo(subscriptions));
        assertThat(shop.webhookSubscriptions()).hasSize(subscriptions);
    }

    @Test
    void shouldRefreshAnExpiredTokenAndKeepWorking() throws Exception {
        String domain = Api.uniqueShopDomain("refresh");
        SimShop shop = sim.addShop(domain, "pre-install-token");
        callback(approve(domain)).then().statusCode(200);
        String firstRefresh = shop.refreshToken();

        shop.expireAccessToken();
        assertThat(client.query(domain, "ShopInfo", Map.of()).await().atMost(Duration.ofSeconds(10)))
                .isInstanceOf(ShopifyResult.Success.class);
        assertThat(shop.refreshToken()).isNotEqualTo(firstRefresh);

        shop.expireAccessToken();
        assertThat(client.query(domain, "ShopInfo", Map.of()).await().atMost(Duration.ofSeconds(10)))
                .isInstanceOf(ShopifyResult.Success.class);
    }

    @Test
    void shouldRenewARefreshTokenAboutToExpireWithoutTraffic() throws Exception {
        String domain = Api.uniqueShopDomain("idle");
        SimShop shop = sim.addShop(domain, "pre-install-token");
        callback(approve(domain)).then().statusCode(200);
        String before = shop.refreshToken();
        try (java.sql.Connection c = dataSource.getConnection();
                java.sql.PreparedStatement ps = c.prepareStatement(
                        "UPDATE shops SET refresh_token_expires_at = now() + interval '2 days' WHERE domain = ?")) {
            ps.setString(1, domain);
            ps.executeUpdate();
        }

        assertThat(maintenance.refreshExpiring().await().atMost(Duration.ofSeconds(10))).isGreaterThanOrEqualTo(1);
        assertThat(shop.refreshToken()).isNotEqualTo(before);
        assertThat(client.query(domain, "ShopInfo", Map.of()).await().atMost(Duration.ofSeconds(10)))
                .isInstanceOf(ShopifyResult.Success.class);
    }

    @Test
    void shouldCorrectASubscriptionPointingElsewhere() throws Exception {
        String domain = Api.uniqueShopDomain("fixhook");
        SimShop shop = sim.addShop(domain, "pre-install-token");
        callback(approve(domain)).then().statusCode(200);
        shop.webhookSubscriptions().get(0).callbackUrl("http://localhost:9999/old");

        callback(approve(domain)).then().statusCode(200).body("webhooks.updated.size()", equalTo(1));
        assertThat(shop.webhookSubscriptions()).allMatch(s -> s.callbackUrl().equals("http://localhost:8080/webhooks/shopify"));
    }

    @Test
    void shouldRejectATamperedCallbackAndStoreNothing() throws Exception {
        String domain = Api.uniqueShopDomain("tamper");
        sim.addShop(domain, "t");
        Map<String, String> params = approve(domain);

        Map<String, String> tampered = new LinkedHashMap<>(params);
        tampered.put("code", params.get("code") + "x");
        callback(tampered).then().statusCode(401).contentType("application/problem+json");

        Map<String, String> badHmac = new LinkedHashMap<>(params);
        badHmac.put("hmac", "0".repeat(64));
        callback(badHmac).then().statusCode(401);

        Map<String, String> stale = new LinkedHashMap<>(params);
        stale.put("timestamp", String.valueOf(Instant.now().minusSeconds(3600).getEpochSecond()));
        callback(resigned(stale)).then().statusCode(401);

        Map<String, String> unknownState = new LinkedHashMap<>(params);
        unknownState.put("state", "not-a-state-we-issued");
        callback(resigned(unknownState)).then().statusCode(401);

        Map<String, String> foreign = new LinkedHashMap<>(params);
        foreign.put("shop", "evil.example.com");
        callback(resigned(foreign)).then().statusCode(400);

        assertThat(stored(domain)).isFalse();
        // The untouched callback still works once, and a replay of it is refused.
        callback(params).then().statusCode(200);
        callback(params).then().statusCode(401);
        assertThat(stored(domain)).isTrue();
    }

    @Test
    void shouldRefuseInstallForAForeignDomain() throws Exception {
        given().redirects().follow(false).get("/shopify/install?shop=evil.example.com").then()
                .statusCode(400).contentType("application/problem+json");
        given().redirects().follow(false).get("/shopify/install").then().statusCode(400);
        given().redirects().follow(false).get("/shopify/install?shop=a%00b.myshopify.com").then().statusCode(400);
        assertThat(pendingStates("evil.example.com")).isZero();
    }

    @Test
    void shouldKeepAtMostFivePendingStatesPerShopAndHonourTheNewest() throws Exception {
        String domain = Api.uniqueShopDomain("spam");
        sim.addShop(domain, "t");
        java.util.List<String> authorizeUrls = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            authorizeUrls.add(given().redirects().follow(false).get("/shopify/install?shop=" + domain)
                    .then().statusCode(302).extract().header("Location"));
        }
        assertThat(pendingStates(domain)).isEqualTo(5);

        // The oldest link's state was evicted; the newest still completes the installation.
        callback(approveAt(authorizeUrls.get(0))).then().statusCode(401);
        callback(approveAt(authorizeUrls.get(authorizeUrls.size() - 1))).then().statusCode(200);
        assertThat(stored(domain)).isTrue();
    }

    @Test
    void shouldRefreshOnceWhenTwoReplicasRaceAndBothUseTheWinnersToken() throws Exception {
        String domain = Api.uniqueShopDomain("replicas");
        SimShop shop = sim.addShop(domain, "pre-install-token").strictRefreshTokenRotation();
        callback(approve(domain)).then().statusCode(200);
        String stale = shop.accessToken();
        shop.expireAccessToken();

        // Two replicas: each has its own in-JVM single flight, so only the database can keep them apart.
        TokenRefresher replicaA = new TokenRefresher(oauth, tokens);
        TokenRefresher replicaB = new TokenRefresher(oauth, tokens);
        // A slow token endpoint keeps the first refresh in flight while the second one starts.
        sim.faults().next(1).endpoint(Faults.Endpoint.OAUTH_ACCESS_TOKEN).shop(domain).delay(Duration.ofMillis(700));
        try {
            CompletableFuture<Optional<ShopAccess>> a = replicaA.refresh(domain, stale).subscribeAsCompletionStage();
            CompletableFuture<Optional<ShopAccess>> b = replicaB.refresh(domain, stale).subscribeAsCompletionStage();
            ShopAccess fromA = a.get(20, TimeUnit.SECONDS).orElseThrow();
            ShopAccess fromB = b.get(20, TimeUnit.SECONDS).orElseThrow();

            assertThat(refreshRequests(domain)).hasSize(1);
            assertThat(fromA.accessToken()).isEqualTo(shop.accessToken()).isNotEqualTo(stale);
            assertThat(fromB.accessToken()).isEqualTo(fromA.accessToken());
        } finally {
            sim.faults().clear();
        }
        assertThat(client.query(domain, "ShopInfo", Map.of()).await().atMost(Duration.ofSeconds(10)))
                .isInstanceOf(ShopifyResult.Success.class);
        long id = asAdmin().get("/admin/shops").then().extract().jsonPath().getLong("find { it.domain == '" + domain + "' }.id");
        asAdmin().get("/admin/shops/" + id).then().statusCode(200).body("needsReauth", equalTo(false));
    }

    private java.util.List<dev.storesync.shopify.sim.RecordedRequest> refreshRequests(String domain) {
        return sim.requests(r -> r.endpoint() == Faults.Endpoint.OAUTH_ACCESS_TOKEN && domain.equals(r.shop())
                && r.body().contains("refresh_token\""));
    }

    /** Approves an authorize URL StoreSync issued at the simulator; returns the callback's query. */
    private Map<String, String> approveAt(String authorize) throws Exception {
        HttpResponse<String> approved = HTTP.send(HttpRequest.newBuilder(URI.create(authorize)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(approved.statusCode()).isEqualTo(302);
        String callback = approved.headers().firstValue("Location").orElseThrow();
        return query(callback.substring(callback.indexOf('?') + 1));
    }

    private int pendingStates(String domain) throws Exception {
        try (java.sql.Connection c = dataSource.getConnection();
                java.sql.PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM oauth_states WHERE shop_domain = ? AND expires_at > now()")) {
            ps.setString(1, domain);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void shouldRefuseAnInstallLinkWithABadSignature() {
        String domain = Api.uniqueShopDomain("link");
        Map<String, String> params = new LinkedHashMap<>();
        params.put("shop", domain);
        params.put("timestamp", String.valueOf(Instant.now().getEpochSecond()));
        String signature = ShopifySimulator.oauthHmac(params, "test-client-secret");
        String query = params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
        given().redirects().follow(false).get("/shopify/install?" + query + "&hmac=" + signature).then().statusCode(302);
        given().redirects().follow(false).get("/shopify/install?" + query + "&hmac=" + "f".repeat(64)).then().statusCode(401);
    }
}
