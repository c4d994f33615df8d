package dev.storesync.shopify.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The simulator through real HTTP, as the service will see it. */
class ShopifySimulatorTest {

    static final String SHOP = "sim-test.myshopify.com";
    static final String TOKEN = "shpat_test";
    static final String SECRET = "test-client-secret";
    static final String VERSION = "2026-10";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    static ShopifySimulator sim;
    SimShop shop;

    @BeforeAll
    static void startSimulator() {
        sim = new ShopifySimulator("test-client-id", SECRET).start();
    }

    @AfterAll
    static void stopSimulator() {
        sim.stop();
    }

    @BeforeEach
    void freshShop() {
        sim.reset();
        shop = sim.addShop(SHOP, TOKEN);
    }

    @Test
    void shouldAnswerAValidQueryWithDataAndCost() throws Exception {
        HttpResponse<String> response = post(TOKEN, document("ShopInfo"), Map.of());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Shopify-API-Version")).hasValue(VERSION);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.at("/data/shop/myshopifyDomain").asText()).isEqualTo(SHOP);
        assertThat(body.at("/extensions/cost/requestedQueryCost").asInt()).isEqualTo(2);
        assertThat(body.at("/extensions/cost/actualQueryCost").asInt()).isEqualTo(2);
        assertThat(body.at("/extensions/cost/throttleStatus/maximumAvailable").asDouble()).isEqualTo(2000.0);
        assertThat(body.at("/extensions/cost/throttleStatus/restoreRate").asDouble()).isEqualTo(100.0);
        assertThat(body.at("/extensions/cost/throttleStatus/currentlyAvailable").asDouble()).isBetween(1990.0, 2000.0);
    }

    @Test
    void shouldServeAnOrderWithItsFulfillmentOrders() throws Exception {
        SimOrder order = shop.order().customer("Ada", "ada@example.com").line("SKU-1", 2).line("SKU-2", 1, "Acme")
                .digitalLine("GIFT", 1).createRouted();
        order.fulfillmentOrders().get(0).placeOnHold("AWAITING_PAYMENT", "wire transfer");

        JsonNode body = graphql("OrderFulfillmentOrders", Map.of("id", order.id()));

        JsonNode fos = body.at("/data/order/fulfillmentOrders/nodes");
        assertThat(fos).hasSize(2);
        assertThat(fos.get(0).at("/status").asText()).isEqualTo("ON_HOLD");
        assertThat(fos.get(0).at("/fulfillmentHolds/0/reason").asText()).isEqualTo("AWAITING_PAYMENT");
        assertThat(fos.get(0).at("/supportedActions").findValuesAsText("action")).contains("RELEASE_HOLD")
                .doesNotContain("CREATE_FULFILLMENT");
        assertThat(fos.get(0).at("/lineItems/nodes/0/lineItem/id").asText()).isEqualTo(order.lineItem("SKU-1").id());
        assertThat(fos.get(1).at("/deliveryMethod/methodType").asText()).isEqualTo("NONE");
        assertThat(body.at("/data/order/displayFulfillmentStatus").asText()).isEqualTo("ON_HOLD");
        assertThat(body.at("/extensions/cost/actualQueryCost").asInt())
                .isLessThan(body.at("/extensions/cost/requestedQueryCost").asInt());

        order.fulfillmentOrders().get(0).releaseHolds();
        JsonNode released = graphql("OrderFulfillmentOrders", Map.of("id", order.id()));
        assertThat(released.at("/data/order/fulfillmentOrders/nodes/0/supportedActions").findValuesAsText("action"))
                .contains("CREATE_FULFILLMENT");
    }

    @Test
    void shouldPageOrdersUpdatedSince() throws Exception {
        for (int i = 0; i < 3; i++) {
            shop.order().line("SKU-" + i, 1).create();
        }
        JsonNode first = graphql("OrdersUpdatedSince", Map.of("first", 2, "query", "updated_at:>'2020-01-01T00:00:00Z'"));
        assertThat(first.at("/data/orders/edges")).hasSize(2);
        assertThat(first.at("/data/orders/edges/1/cursor").asText()).isEqualTo(first.at("/data/orders/pageInfo/endCursor").asText());
        assertThat(first.at("/data/orders/pageInfo/hasNextPage").asBoolean()).isTrue();

        JsonNode second = graphql("OrdersUpdatedSince",
                Map.of("first", 2, "after", first.at("/data/orders/pageInfo/endCursor").asText()));
        assertThat(second.at("/data/orders/edges")).hasSize(1);
        assertThat(second.at("/data/orders/pageInfo/hasNextPage").asBoolean()).isFalse();

        JsonNode none = graphql("OrdersUpdatedSince", Map.of("query", "updated_at:>'2999-01-01T00:00:00Z'"));
        assertThat(none.at("/data/orders/edges")).isEmpty();
    }

    @Test
    void shouldReturnValidationErrorsForAnInvalidDocument() throws Exception {
        HttpResponse<String> response = post(TOKEN, "query Bad { shop { name nope } }", Map.of());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.has("data")).isFalse();
        assertThat(body.at("/errors/0/message").asText()).contains("nope");
        assertThat(sim.requests().get(0).operationName()).isEqualTo("Bad");
    }

    @TestFactory
    Stream<DynamicTest> everyServiceDocumentIsValidInTheSimulator() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src", "main", "resources", "graphql"))) {
            List<Path> documents = files.filter(p -> p.toString().endsWith(".graphql")).sorted().toList();
            assertThat(documents).isNotEmpty();
            return documents.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(),
                    () -> assertThat(ShopifySimulator.validate(Files.readString(p))).isEmpty()));
        }
    }

    @Test
    void shouldRejectAWrongOrExpiredTokenAndAnUnknownShop() throws Exception {
        HttpResponse<String> wrong = post("nope", document("ShopInfo"), Map.of());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrong.body()).get("errors").asText()).startsWith("[API] Invalid API key or access token");

        shop.expireAccessToken();
        assertThat(post(TOKEN, document("ShopInfo"), Map.of()).statusCode()).isEqualTo(401);

        HttpResponse<String> unknown = send(HttpRequest.newBuilder(URI.create(sim.graphqlUrl("other.myshopify.com",
                VERSION))).header("X-Shopify-Access-Token", TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{shop{name}}\"}")));
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void shouldThrottleABurstAndRecoverAfterTheRestoreTime() throws Exception {
        shop.bucket(4, 2);
        String query = document("ShopInfo");
        assertThat(graphql(query).has("data")).isTrue();
        assertThat(graphql(query).has("data")).isTrue();

        JsonNode throttled = graphql(query);
        assertThat(throttled.at("/errors/0/extensions/code").asText()).isEqualTo("THROTTLED");
        assertThat(throttled.at("/errors/0/message").asText()).isEqualTo("Throttled");
        assertThat(throttled.at("/extensions/cost/actualQueryCost").isNull()).isTrue();
        assertThat(throttled.at("/extensions/cost/requestedQueryCost").asInt()).isEqualTo(2);
        assertThat(shop.throttledCount()).isEqualTo(1);

        Thread.sleep(1100);
        assertThat(graphql(query).has("data")).isTrue();
    }

    @Test
    void shouldRefuseAQueryAboveTheSingleQueryLimit() throws Exception {
        JsonNode body = graphql("query Huge { orders(first: 250) { nodes { lineItems(first: 250) { nodes { id } } } } }");
        assertThat(body.at("/errors/0/extensions/code").asText()).isEqualTo("MAX_COST_EXCEEDED");
    }

    @Test
    void shouldCreateFulfillmentsAndRejectTooMuch() throws Exception {
        SimOrder order = shop.order().line("SKU-1", 3).createRouted();
        SimFulfillmentOrder fo = order.fulfillmentOrders().get(0);
        String line = fo.lineItems().get(0).id();

        JsonNode created = graphql("FulfillmentCreate", fulfillment(fo.id(), line, 2, "1Z999"));
        assertThat(created.at("/data/fulfillmentCreate/userErrors")).isEmpty();
        assertThat(created.at("/data/fulfillmentCreate/fulfillment/status").asText()).isEqualTo("SUCCESS");
        assertThat(created.at("/data/fulfillmentCreate/fulfillment/trackingInfo/0/number").asText()).isEqualTo("1Z999");
        assertThat(created.at("/extensions/cost/requestedQueryCost").asInt()).isEqualTo(10);
        assertThat(fo.lineItems().get(0).remainingQuantity()).isEqualTo(1);
        assertThat(fo.status()).isEqualTo(FulfillmentOrderStatus.IN_PROGRESS);
        assertThat(order.displayFulfillmentStatus()).isEqualTo("PARTIALLY_FULFILLED");

        JsonNode tooMuch = graphql("FulfillmentCreate", fulfillment(fo.id(), line, 2, "1Z998"));
        assertThat(tooMuch.at("/data/fulfillmentCreate/fulfillment").isNull()).isTrue();
        assertThat(tooMuch.at("/data/fulfillmentCreate/userErrors/0/message").asText())
                .isEqualTo("Invalid fulfillment order line item quantity requested.");
        assertThat(shop.fulfillments(order.id())).hasSize(1);

        graphql("FulfillmentCreate", fulfillment(fo.id(), line, 1, "1Z997"));
        assertThat(fo.status()).isEqualTo(FulfillmentOrderStatus.CLOSED);
        assertThat(order.displayFulfillmentStatus()).isEqualTo("FULFILLED");

        String first = shop.fulfillments(order.id()).get(0).id();
        JsonNode cancelled = graphql("FulfillmentCancel", Map.of("id", first));
        assertThat(cancelled.at("/data/fulfillmentCancel/fulfillment/status").asText()).isEqualTo("CANCELLED");
        assertThat(fo.lineItems().get(0).remainingQuantity()).isEqualTo(2);
        assertThat(fo.status()).isEqualTo(FulfillmentOrderStatus.IN_PROGRESS);
    }

    @Test
    void shouldRefuseToFulfillAtAFulfillmentServiceLocation() throws Exception {
        SimOrder order = shop.order().line("SKU-1", 1).create();
        SimFulfillmentOrder fo = order.fulfillmentOrder()
                .location(shop.addFulfillmentServiceLocation("3PL")).create();

        JsonNode body = graphql("FulfillmentCreate", fulfillment(fo.id(), fo.lineItems().get(0).id(), 1, "X1"));

        assertThat(body.at("/data/fulfillmentCreate/userErrors/0/message").asText())
                .contains("fulfillment service must be of api type");
    }

    @Test
    void shouldInjectStatusFaults() throws Exception {
        sim.faults().next(1).retryAfter(1).next(1).status(503);

        HttpResponse<String> limited = post(TOKEN, document("ShopInfo"), Map.of());
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(post(TOKEN, document("ShopInfo"), Map.of()).statusCode()).isEqualTo(503);
        assertThat(post(TOKEN, document("ShopInfo"), Map.of()).statusCode()).isEqualTo(200);
        assertThat(sim.requests()).extracting(RecordedRequest::status).containsExactly(429, 503, 200);
    }

    @Test
    void shouldDropTheConnection() {
        sim.faults().next(1).dropConnection();

        assertThatThrownBy(() -> post(TOKEN, document("ShopInfo"), Map.of())).isInstanceOf(IOException.class);
        assertThat(sim.requests().get(0).status()).isEqualTo(-1);
    }

    @Test
    void shouldDelayAnswersPastAClientTimeout() throws Exception {
        sim.faults().next(1).delay(Duration.ofMillis(500));
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.graphqlUrl(SHOP, VERSION)))
                .timeout(Duration.ofMillis(100)).header("X-Shopify-Access-Token", TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                        Map.of("query", document("ShopInfo"))))).build();

        assertThatThrownBy(() -> HTTP.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        // let the delayed answer finish so it cannot land in the next test's request log
        await().atMost(Duration.ofSeconds(2)).until(() -> sim.requests().size() == 1);
    }

    @Test
    void shouldFailOnlyAFractionOfRequests() throws Exception {
        sim.faults().fraction(0.5).status(500);

        long failed = 0;
        for (int i = 0; i < 20; i++) {
            failed += post(TOKEN, document("ShopInfo"), Map.of()).statusCode() == 500 ? 1 : 0;
        }

        assertThat(failed).isBetween(3L, 17L);
        assertThat(sim.faults().injectedCount()).isEqualTo((int) failed);
    }

    @Test
    void shouldExecuteAMutationAndStillAnswer502() throws Exception {
        SimOrder order = shop.order().line("SKU-1", 1).createRouted();
        SimFulfillmentOrder fo = order.fulfillmentOrders().get(0);
        sim.faults().next(1).operation("FulfillmentCreate").executeThenStatus(502);

        HttpResponse<String> response = post(TOKEN, document("FulfillmentCreate"),
                fulfillment(fo.id(), fo.lineItems().get(0).id(), 1, "1Z1"));

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(shop.fulfillments(order.id())).hasSize(1);
        assertThat(fo.status()).isEqualTo(FulfillmentOrderStatus.CLOSED);
        assertThat(sim.operations(SHOP, "FulfillmentCreate")).hasSize(1);
    }

    @Test
    void shouldOverrideTheServedVersionAndWarnOfDeprecation() throws Exception {
        sim.serveApiVersion("2026-07").deprecatedReason("https://shopify.dev/changelog/x");

        HttpResponse<String> response = post(TOKEN, document("ShopInfo"), Map.of());

        assertThat(response.headers().firstValue("X-Shopify-API-Version")).hasValue("2026-07");
        assertThat(response.headers().firstValue("X-Shopify-API-Deprecated-Reason")).isPresent();
    }

    @Test
    void shouldRunTheOAuthFlowWithSingleUseCodesAndRotatingRefreshTokens() throws Exception {
        String authorize = sim.baseUrl() + "/" + SHOP + "/admin/oauth/authorize?client_id=test-client-id"
                + "&scope=read_orders,write_fulfillments&redirect_uri=" + enc("http://localhost:8080/auth/callback")
                + "&state=nonce-1";
        HttpResponse<String> redirect = send(HttpRequest.newBuilder(URI.create(authorize)).GET());
        assertThat(redirect.statusCode()).isEqualTo(302);
        URI callback = URI.create(redirect.headers().firstValue("Location").orElseThrow());
        assertThat(callback.getPath()).isEqualTo("/auth/callback");
        Map<String, String> params = OAuthEndpoints.parseForm(callback.getRawQuery());
        assertThat(params).containsKeys("code", "hmac", "host", "shop", "state", "timestamp")
                .containsEntry("state", "nonce-1").containsEntry("shop", SHOP);
        assertThat(ShopifySimulator.oauthHmac(params, SECRET)).isEqualTo(params.get("hmac"));
        assertThat(ShopifySimulator.oauthHmac(params, "other-secret")).isNotEqualTo(params.get("hmac"));

        Map<String, Object> exchange = Map.of("client_id", "test-client-id", "client_secret", SECRET,
                "code", params.get("code"), "expiring", "1");
        HttpResponse<String> tokenResponse = postToken(exchange);
        assertThat(tokenResponse.statusCode()).isEqualTo(200);
        JsonNode tokens = JSON.readTree(tokenResponse.body());
        assertThat(tokens.get("scope").asText()).isEqualTo("read_orders,write_fulfillments");
        assertThat(tokens.get("expires_in").asInt()).isEqualTo(3600);
        assertThat(tokens.has("refresh_token_expires_in")).isTrue();
        assertThat(postToken(exchange).statusCode()).isEqualTo(400);

        String access = tokens.get("access_token").asText();
        assertThat(post(access, document("ShopInfo"), Map.of()).statusCode()).isEqualTo(200);
        assertThat(post(TOKEN, document("ShopInfo"), Map.of()).statusCode()).isEqualTo(401);

        String refresh1 = tokens.get("refresh_token").asText();
        JsonNode second = JSON.readTree(postToken(refresh(refresh1)).body());
        String refresh2 = second.get("refresh_token").asText();
        assertThat(refresh2).isNotEqualTo(refresh1);
        assertThat(post(access, document("ShopInfo"), Map.of()).statusCode()).isEqualTo(401);
        assertThat(post(second.get("access_token").asText(), document("ShopInfo"), Map.of()).statusCode())
                .isEqualTo(200);

        assertThat(postToken(refresh(refresh2)).statusCode()).isEqualTo(200);
        assertThat(postToken(refresh(refresh1)).statusCode()).isEqualTo(400);
    }

    @Test
    void shouldManageWebhookSubscriptionsAndDeliverSignedWebhooks() throws Exception {
        AtomicReference<Map<String, String>> received = new AtomicReference<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/webhooks", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> seen = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> seen.put(k.toLowerCase(), v.get(0)));
            seen.put("body", new String(body, StandardCharsets.UTF_8));
            seen.put("valid", Boolean.toString(WebhookSender.sign(body, SECRET).equals(seen.get("x-shopify-hmac-sha256"))));
            received.set(seen);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/webhooks";
            JsonNode created = graphql("WebhookSubscriptionCreate", Map.of("topic", "ORDERS_CREATE",
                    "webhookSubscription", Map.of("callbackUrl", url, "format", "JSON")));
            assertThat(created.at("/data/webhookSubscriptionCreate/userErrors")).isEmpty();
            assertThat(created.at("/data/webhookSubscriptionCreate/webhookSubscription/endpoint/callbackUrl").asText())
                    .isEqualTo(url);
            JsonNode duplicate = graphql("WebhookSubscriptionCreate", Map.of("topic", "ORDERS_CREATE",
                    "webhookSubscription", Map.of("callbackUrl", url, "format", "JSON")));
            assertThat(duplicate.at("/data/webhookSubscriptionCreate/userErrors/0/message").asText())
                    .contains("already been taken");
            JsonNode listed = graphql("WebhookSubscriptions", Map.of());
            assertThat(listed.at("/data/webhookSubscriptions/nodes/0/topic").asText()).isEqualTo("ORDERS_CREATE");
            assertThat(listed.at("/data/webhookSubscriptions/nodes/0/endpoint/__typename").asText())
                    .isEqualTo("WebhookHttpEndpoint");

            List<WebhookDelivery> deliveries = shop.trigger("orders/create", "{\"id\":1}");
            assertThat(deliveries).singleElement().satisfies(d -> assertThat(d.acknowledged()).isTrue());
            assertThat(received.get()).containsEntry("x-shopify-topic", "orders/create")
                    .containsEntry("x-shopify-shop-domain", SHOP).containsEntry("x-shopify-api-version", VERSION)
                    .containsEntry("body", "{\"id\":1}").containsEntry("valid", "true")
                    .containsKeys("x-shopify-webhook-id", "x-shopify-triggered-at", "x-shopify-event-id");

            WebhookDelivery again = sim.webhooks().send(url, "orders/create", SHOP, "{}".getBytes(), SECRET, "same-id");
            assertThat(again.webhookId()).isEqualTo("same-id");
            assertThat(received.get()).containsEntry("x-shopify-webhook-id", "same-id");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void shouldSetInventoryWithCompareAndSwapBefore202604() throws Exception {
        SimLocation location = shop.primaryLocation();
        SimInventoryItem item = shop.addInventoryItem("SKU-1").available(location, 5);
        Map<String, Object> quantity = Map.of("inventoryItemId", item.id(), "locationId", location.id(),
                "quantity", 8, "compareQuantity", 4);

        JsonNode stale = graphqlAt("2026-01", SET_INVENTORY, setAvailable(quantity));
        assertThat(stale.at("/data/inventorySetQuantities/userErrors/0/code").asText())
                .isEqualTo("COMPARE_QUANTITY_STALE");

        JsonNode set = graphqlAt("2026-01", SET_INVENTORY, setAvailable(Map.of("inventoryItemId", item.id(),
                "locationId", location.id(), "quantity", 8, "compareQuantity", 5)));
        assertThat(set.at("/data/inventorySetQuantities/inventoryAdjustmentGroup/changes/0/delta").asInt()).isEqualTo(3);
        assertThat(item.available(location)).isEqualTo(8);
    }

    @Test
    void shouldRequireChangeFromQuantityFrom202604() throws Exception {
        SimLocation location = shop.primaryLocation();
        SimInventoryItem item = shop.addInventoryItem("SKU-CF").available(location, 5);

        JsonNode missing = graphql(SET_INVENTORY, setAvailable(Map.of("inventoryItemId", item.id(),
                "locationId", location.id(), "quantity", 8, "compareQuantity", 5)));
        assertThat(missing.at("/data/inventorySetQuantities/userErrors/0/field/3").asText())
                .isEqualTo("changeFromQuantity");

        JsonNode stale = graphql(SET_INVENTORY, setAvailable(Map.of("inventoryItemId", item.id(),
                "locationId", location.id(), "quantity", 8, "changeFromQuantity", 4)));
        assertThat(stale.at("/data/inventorySetQuantities/userErrors/0/code").asText())
                .isEqualTo("CHANGE_FROM_QUANTITY_STALE");
        assertThat(item.available(location)).isEqualTo(5);

        JsonNode set = graphql(SET_INVENTORY, setAvailable(Map.of("inventoryItemId", item.id(),
                "locationId", location.id(), "quantity", 8, "changeFromQuantity", 5)));
        assertThat(set.at("/data/inventorySetQuantities/userErrors").size()).isZero();
        assertThat(item.available(location)).isEqualTo(8);
    }

    @Test
    void shouldReadVariantsAndLevelsThroughNodes() throws Exception {
        SimLocation location = shop.primaryLocation();
        SimInventoryItem item = shop.addInventoryItem("SKU-N").available(location, 7);
        shop.addLocation("Second");
        JsonNode variants = graphql("InventoryPartnerStock", Map.of("ids",
                List.of(item.variant().id(), "gid://shopify/ProductVariant/999999999")));
        assertThat(variants.at("/data/nodes/0/inventoryQuantity").asInt()).isEqualTo(7);
        assertThat(variants.at("/data/nodes/0/inventoryItem/id").asText()).isEqualTo(item.id());
        assertThat(variants.at("/data/nodes/1").isNull()).isTrue();

        JsonNode levels = graphql("InventoryOwnerLevels", Map.of("ids", List.of(item.id()),
                "locationId", location.id()));
        assertThat(levels.at("/data/nodes/0/inventoryLevel/quantities/0/quantity").asInt()).isEqualTo(7);

        List<String> tooMany = java.util.stream.IntStream.range(0, 251).mapToObj(i -> item.variant().id()).toList();
        JsonNode refused = graphql("InventoryPartnerStock", Map.of("ids", tooMany));
        assertThat(refused.at("/errors/0/message").asText()).contains("maximum allowed of 250");
    }

    @Test
    void shouldRunAHookBeforeTheNextNamedOperation() throws Exception {
        SimLocation location = shop.primaryLocation();
        SimInventoryItem item = shop.addInventoryItem("SKU-H").available(location, 5);
        shop.beforeNext("InventorySetAvailable", () -> item.available(location, 6));

        JsonNode stale = graphql(document("InventorySetAvailable"), setAvailable(Map.of("inventoryItemId", item.id(),
                "locationId", location.id(), "quantity", 9, "changeFromQuantity", 5)));

        assertThat(stale.at("/data/inventorySetQuantities/userErrors/0/code").asText())
                .isEqualTo("CHANGE_FROM_QUANTITY_STALE");
        assertThat(item.available(location)).isEqualTo(6);
    }

    @Test
    void shouldApplyAnIdempotentSetOnceAndRefuseTheKeyWithOtherInput() throws Exception {
        SimLocation location = shop.primaryLocation();
        SimInventoryItem item = shop.addInventoryItem("SKU-I").available(location, 5);
        Map<String, Object> variables = new LinkedHashMap<>(setAvailable(Map.of("inventoryItemId", item.id(),
                "locationId", location.id(), "quantity", 9, "changeFromQuantity", 5)));
        variables.put("key", "key-1");

        JsonNode first = graphql("InventorySetAvailableIdempotent", variables);
        item.available(location, 9);
        JsonNode replay = graphql("InventorySetAvailableIdempotent", variables);

        assertThat(first.at("/data/inventorySetQuantities/userErrors")).isEmpty();
        assertThat(replay.at("/data/inventorySetQuantities/inventoryAdjustmentGroup/id").asText())
                .as("the first answer again").isEqualTo(first.at("/data/inventorySetQuantities/inventoryAdjustmentGroup/id")
                        .asText());
        assertThat(shop.inventoryWrites()).as("the replay writes nothing").isEqualTo(1);
        assertThat(item.available(location)).isEqualTo(9);

        Map<String, Object> other = new LinkedHashMap<>(setAvailable(Map.of("inventoryItemId", item.id(),
                "locationId", location.id(), "quantity", 3, "changeFromQuantity", 9)));
        other.put("key", "key-1");
        assertThat(graphql("InventorySetAvailableIdempotent", other).at("/data/inventorySetQuantities/userErrors/0/code")
                .asText()).isEqualTo("IDEMPOTENCY_KEY_PARAMETER_MISMATCH");

        Map<String, Object> stale = new LinkedHashMap<>(setAvailable(Map.of("inventoryItemId", item.id(),
                "locationId", location.id(), "quantity", 3, "changeFromQuantity", 1)));
        stale.put("key", "key-2");
        assertThat(graphql("InventorySetAvailableIdempotent", stale).at("/data/inventorySetQuantities/userErrors/0/code")
                .asText()).isEqualTo("CHANGE_FROM_QUANTITY_STALE");
        assertThat(graphql("InventorySetAvailableIdempotent", stale).at("/data/inventorySetQuantities/userErrors/0/code")
                .asText()).isEqualTo("IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED");
        assertThat(item.available(location)).isEqualTo(9);
    }

    @Test
    void shouldRefuseAnItemNotStockedAtTheLocationUntilItIsActivated() throws Exception {
        SimLocation location = shop.primaryLocation();
        SimInventoryItem item = shop.addInventoryItem("SKU-A");
        Map<String, Object> set = setAvailable(Map.of("inventoryItemId", item.id(), "locationId", location.id(),
                "quantity", 4, "changeFromQuantity", 0));

        assertThat(graphql(SET_INVENTORY, set).at("/data/inventorySetQuantities/userErrors/0/code").asText())
                .isEqualTo("ITEM_NOT_STOCKED_AT_LOCATION");
        JsonNode activated = graphql("InventoryActivate", Map.of("inventoryItemId", item.id(),
                "locationId", location.id()));
        assertThat(activated.at("/data/inventoryActivate/userErrors")).isEmpty();
        assertThat(activated.at("/data/inventoryActivate/inventoryLevel/quantities/0/quantity").asInt()).isZero();
        assertThat(graphql(SET_INVENTORY, set).at("/data/inventorySetQuantities/userErrors")).isEmpty();
        assertThat(item.available(location)).isEqualTo(4);

        JsonNode unknown = graphql("InventoryActivate", Map.of("inventoryItemId", "gid://shopify/InventoryItem/1",
                "locationId", location.id()));
        assertThat(unknown.at("/data/inventoryActivate/userErrors/0/field/0").asText()).isEqualTo("inventoryItemId");
    }

    @Test
    void shouldFindVariantsBySkuAndBarcodeAndReadALevelAtALocation() throws Exception {
        SimLocation second = shop.addLocation("Warehouse");
        SimInventoryItem item = shop.addInventoryItem("MUG-1").barcode("4901234567894")
                .available(shop.primaryLocation(), 2).available(second, 7);
        shop.addInventoryItem("MUG-10");

        JsonNode bySku = graphql("InventoryVariantsBySku", Map.of("query", "sku:MUG-1"));
        assertThat(bySku.at("/data/productVariants/nodes").size()).isEqualTo(1);
        assertThat(bySku.at("/data/productVariants/nodes/0/inventoryItem/id").asText()).isEqualTo(item.id());
        JsonNode page = graphql("InventoryVariantsPage", Map.of());
        assertThat(page.at("/data/productVariants/nodes/0/barcode").asText()).isEqualTo("4901234567894");
        assertThat(page.at("/data/productVariants/nodes").size()).isEqualTo(2);

        JsonNode levels = graphql("InventoryPartnerLevels", Map.of("ids", List.of(item.variant().id()),
                "locationId", second.id()));
        assertThat(levels.at("/data/nodes/0/inventoryItem/inventoryLevel/quantities/0/quantity").asInt()).isEqualTo(7);
    }

    @Test
    void shouldSendSignedInventoryLevelUpdatesWhenALevelChanges() throws Exception {
        List<Map<String, String>> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(Map.of("topic", exchange.getRequestHeaders().getFirst("X-Shopify-Topic"),
                    "body", new String(body, StandardCharsets.UTF_8), "valid", Boolean.toString(WebhookSender.sign(body,
                            SECRET).equals(exchange.getRequestHeaders().getFirst("X-Shopify-Hmac-Sha256")))));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            graphql("WebhookSubscriptionCreate", Map.of("topic", "INVENTORY_LEVELS_UPDATE", "webhookSubscription",
                    Map.of("callbackUrl", "http://localhost:1/hooks", "format", "JSON")));
            sim.webhookBaseUrl("http://127.0.0.1:" + receiver.getAddress().getPort());
            SimLocation location = shop.primaryLocation();
            SimInventoryItem item = shop.addInventoryItem("SKU-W").available(location, 5);

            item.available(location, 3);
            graphql(SET_INVENTORY, setAvailable(Map.of("inventoryItemId", item.id(), "locationId", location.id(),
                    "quantity", 8, "changeFromQuantity", 3)));

            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> received.size() == 2);
            assertThat(received).allSatisfy(r -> assertThat(r).containsEntry("topic", "inventory_levels/update")
                    .containsEntry("valid", "true"));
            JsonNode last = JSON.readTree(received.get(1).get("body"));
            assertThat(last.get("inventory_item_id").asLong()).isEqualTo(Long.parseLong(item.legacyResourceId()));
            assertThat(last.get("location_id").asLong()).isEqualTo(Long.parseLong(location.legacyResourceId()));
            assertThat(last.get("available").asInt()).isEqualTo(8);
            assertThat(sim.sentWebhooks()).hasSize(2).allSatisfy(w -> assertThat(w.status()).isEqualTo(200));
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void shouldPriceNodesPerIdAskedFor() throws Exception {
        SimInventoryItem item = shop.addInventoryItem("SKU-C").available(shop.primaryLocation(), 1);
        List<String> ids = java.util.Collections.nCopies(250, item.id());
        JsonNode levels = graphql("InventoryOwnerLevels", Map.of("ids", ids, "locationId", shop.primaryLocation().id()));
        assertThat(levels.at("/extensions/cost/requestedQueryCost").asInt()).as("250 x (item, level, quantity)")
                .isEqualTo(750);
        assertThat(levels.at("/extensions/cost/actualQueryCost").asInt()).isEqualTo(750);
        assertThat(shop.pointsCharged()).isEqualTo(750);
    }

    @Test
    void shouldAnswer401AfterTheTokenIsRevoked() throws Exception {
        shop.revokeAccessToken();
        assertThat(post(TOKEN, "{ shop { name } }", Map.of()).statusCode()).isEqualTo(401);
    }

    private static final String SET_INVENTORY = "mutation SetInventory($input: InventorySetQuantitiesInput!) { "
            + "inventorySetQuantities(input: $input) { inventoryAdjustmentGroup { changes { name delta "
            + "quantityAfterChange } } userErrors { code field message } } }";

    private static Map<String, Object> setAvailable(Map<String, Object> quantity) {
        return Map.of("input", Map.of("name", "available", "reason", "correction", "quantities", List.of(quantity)));
    }

    private JsonNode graphqlAt(String version, String query, Map<String, Object> variables) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(sim.graphqlUrl(SHOP, version)))
                .header("Content-Type", "application/json").header("X-Shopify-Access-Token", TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                        Map.of("query", query, "variables", variables)))));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    // --- helpers ------------------------------------------------------------------------------

    private static Map<String, Object> fulfillment(String foId, String lineId, int quantity, String tracking) {
        return Map.of("fulfillment", Map.of(
                "notifyCustomer", false,
                "trackingInfo", Map.of("company", "UPS", "number", tracking),
                "lineItemsByFulfillmentOrder", List.of(Map.of("fulfillmentOrderId", foId,
                        "fulfillmentOrderLineItems", List.of(Map.of("id", lineId, "quantity", quantity))))));
    }

    private static Map<String, Object> refresh(String token) {
        return Map.of("client_id", "test-client-id", "client_secret", SECRET, "grant_type", "refresh_token",
                "refresh_token", token);
    }

    private JsonNode graphql(String nameOrQuery) throws Exception {
        return graphql(nameOrQuery, Map.of());
    }

    private JsonNode graphql(String nameOrQuery, Map<String, Object> variables) throws Exception {
        String query = nameOrQuery.contains("{") ? nameOrQuery : document(nameOrQuery);
        HttpResponse<String> response = post(TOKEN, query, variables);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String document(String name) throws IOException {
        return Files.readString(Path.of("src", "main", "resources", "graphql", name + ".graphql"));
    }

    private static HttpResponse<String> post(String token, String query, Map<String, Object> variables)
            throws Exception {
        return send(HttpRequest.newBuilder(URI.create(sim.graphqlUrl(SHOP, VERSION)))
                .header("Content-Type", "application/json").header("X-Shopify-Access-Token", token)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                        Map.of("query", query, "variables", variables)))));
    }

    private static HttpResponse<String> postToken(Map<String, Object> body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/" + SHOP + "/admin/oauth/access_token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
