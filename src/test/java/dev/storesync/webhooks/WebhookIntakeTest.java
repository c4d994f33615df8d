package dev.storesync.webhooks;

import static dev.storesync.testing.Api.asAdmin;
import static dev.storesync.testing.SignedWebhooks.delivery;
import static dev.storesync.testing.SignedWebhooks.registerShop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.storesync.testing.SignedWebhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Webhook intake through HTTP only, so the same checks run against the packaged application. */
@QuarkusTest
class WebhookIntakeTest {

    private static final String SMALL_BODY = "{\"id\": 1}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void shouldStoreEverySamplePayloadOnceAsSent() throws Exception {
        String shop = registerShop("samples");
        Map<String, Path> byWebhookId = new HashMap<>();
        for (Path sample : SignedWebhooks.samples()) {
            SignedWebhooks.Delivery d = delivery(SignedWebhooks.topicOf(sample), shop,
                    SignedWebhooks.sample(sample.getFileName().toString()));
            d.post().then().statusCode(200).body("duplicate", equalTo(false));
            byWebhookId.put(d.webhookId(), sample);
        }
        assertThat(byWebhookId).hasSizeGreaterThanOrEqualTo(15);

        List<Map<String, Object>> rows = inbox(shop).getList("items");
        assertThat(rows).extracting(r -> r.get("webhookId")).containsExactlyInAnyOrderElementsOf(byWebhookId.keySet());
        for (Map<String, Object> row : rows) {
            Path sample = byWebhookId.get((String) row.get("webhookId"));
            assertThat(row.get("topic")).isEqualTo(SignedWebhooks.topicOf(sample));
            String detail = asAdmin().get("/admin/webhooks/inbox/" + row.get("id")).then().statusCode(200)
                    .extract().asString();
            JsonNode payload = JSON.readTree(detail).get("payload");
            assertThat(payload).isEqualTo(JSON.readTree(SignedWebhooks.sample(sample.getFileName().toString())));
        }
    }

    @Test
    void shouldHandOverDeliveriesWithoutHandlersAsIgnored() {
        String shop = registerShop("ignored");
        delivery("products/create", shop, SMALL_BODY).post().then().statusCode(200);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> asAdmin().get("/admin/webhooks/inbox?shop=" + shop)
                .then().statusCode(200)
                .body("items[0].state", equalTo("ignored"))
                .body("items[0].finalizedAt", not(nullValue()))
                .body("items[0].lastError", equalTo("no handler for topic products/create")));
    }

    @Test
    void shouldAcceptThePreviousSecretDuringRotation() {
        String shop = registerShop("rotation");
        delivery("orders/delete", shop, SMALL_BODY).signedWith(SignedWebhooks.PREVIOUS_SECRET).post().then()
                .statusCode(200);
        assertThat(inbox(shop).getList("items")).hasSize(1);
    }

    @Test
    void shouldStoreARedeliveryOnce() {
        String shop = registerShop("dup");
        SignedWebhooks.Delivery first = delivery("orders/delete", shop, SMALL_BODY);
        first.post().then().statusCode(200).body("duplicate", equalTo(false));
        first.post().then().statusCode(200).body("duplicate", equalTo(true));
        delivery("orders/delete", shop, SMALL_BODY).webhookId(first.webhookId()).post().then().statusCode(200)
                .body("duplicate", equalTo(true));

        assertThat(inbox(shop).getList("items")).hasSize(1);
    }

    @Test
    void shouldMarkASecondDeliveryOfTheSameEventButStoreIt() {
        String shop = registerShop("event");
        String eventId = UUID.randomUUID().toString();
        delivery("orders/delete", shop, SMALL_BODY).header("X-Shopify-Event-Id", eventId).post().then().statusCode(200);
        delivery("orders/delete", shop, SMALL_BODY).header("X-Shopify-Event-Id", eventId).post().then().statusCode(200)
                .body("duplicate", equalTo(false));

        JsonPath page = inbox(shop);
        assertThat(page.getList("items")).hasSize(2);
        assertThat(page.getLong("items[0].duplicateOf")).isEqualTo(page.getLong("items[1].id"));
        assertThat(page.getString("items[1].duplicateOf")).isNull();
    }

    @Test
    void shouldRejectForgedOrUnsignedWebhooks() {
        String shop = registerShop("forged");
        delivery("orders/delete", shop, SMALL_BODY).unsigned().post().then()
                .statusCode(401).contentType("application/problem+json").body("status", equalTo(401));
        delivery("orders/delete", shop, SMALL_BODY).signedWith("not-the-secret").post().then()
                .statusCode(401).contentType("application/problem+json");
        delivery("orders/delete", shop, SMALL_BODY).header("X-Shopify-Hmac-Sha256", "%%% not base64").post().then()
                .statusCode(401);
        SignedWebhooks.Delivery tampered = delivery("orders/delete", shop, SMALL_BODY);
        tampered.header("X-Shopify-Hmac-Sha256", SignedWebhooks.sign("{\"id\": 2}".getBytes(), SignedWebhooks.SECRET))
                .post().then().statusCode(401);

        assertThat(inbox(shop).getList("items")).isEmpty();
    }

    @Test
    void shouldRejectUnknownShops() {
        String unknown = dev.storesync.testing.Api.uniqueShopDomain("stranger");
        delivery("orders/delete", unknown, SMALL_BODY).post().then()
                .statusCode(401).contentType("application/problem+json");
        delivery("app/uninstalled", unknown, SMALL_BODY).post().then().statusCode(401);

        assertThat(inbox(unknown).getList("items")).isEmpty();
    }

    @Test
    void shouldMarkShopUninstalledAndThenAcceptOnlyLifecycleAndComplianceTopics() {
        String shop = registerShop("uninstall");
        long shopId = SignedWebhooks.shopId(shop);
        delivery("app/uninstalled", shop, "{\"id\": 548380009, \"domain\": \"" + shop + "\"}").post().then()
                .statusCode(200);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> asAdmin().get("/admin/shops/" + shopId).then()
                .statusCode(200)
                .body("state", equalTo("uninstalled"))
                .body("uninstalledAt", not(nullValue()))
                .body("hasAccessToken", equalTo(false)));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(inbox(shop).getString("items[0].state"))
                .isEqualTo("completed"));

        delivery("orders/create", shop, SMALL_BODY).post().then()
                .statusCode(401).contentType("application/problem+json");
        delivery("app/uninstalled", shop, SMALL_BODY).post().then().statusCode(200);
        delivery("customers/data_request", shop, "{\"customer\": {\"id\": 1}}").post().then().statusCode(200);
        assertThat(inbox(shop).getList("items", Map.class)).extracting(r -> r.get("topic"))
                .containsExactlyInAnyOrder("app/uninstalled", "app/uninstalled", "customers/data_request");
    }

    @Test
    void shouldRejectOversizeBodiesWith413() {
        String shop = registerShop("big");
        String big = "{\"pad\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        delivery("orders/create", shop, big).post().then()
                .statusCode(413).contentType("application/problem+json").body("status", equalTo(413));
        assertThat(inbox(shop).getList("items")).isEmpty();
    }

    @Test
    void shouldAnswer413ForADeclaredLengthOverTheWebhookLimitBeforeReadingTheBody() throws IOException {
        String shop = registerShop("declared");
        // Between the webhook limit (2 MB) and the global one (10 MB); no byte of the body is sent.
        String head = "POST /webhooks/shopify HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + deliveryHeaders(shop) + "Content-Length: " + (5 * 1024 * 1024) + "\r\n\r\n";
        try (Socket socket = connect()) {
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            assertThat(statusAndBody(socket)).startsWith("HTTP/1.1 413").contains("application/problem+json");
        }
        assertThat(inbox(shop).getList("items")).isEmpty();
    }

    @Test
    void shouldAnswer413ForAChunkedBodyAsSoonAsItPassesTheWebhookLimit() throws Exception {
        String shop = registerShop("chunked-big");
        String head = "POST /webhooks/shopify HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + deliveryHeaders(shop) + "Transfer-Encoding: chunked\r\n\r\n";
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            // Just over 2 MB in 64 KB chunks, and never the last chunk: the body never ends.
            Thread writer = new Thread(() -> {
                byte[] chunk = ("{\"pad\": \"" + "x".repeat(64 * 1024 - 12) + "\"} ").getBytes(StandardCharsets.US_ASCII);
                try {
                    for (int i = 0; i <= 2 * 1024 * 1024 / chunk.length; i++) {
                        out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                } catch (IOException closedByTheServer) {
                    // Expected once the server has answered and closed.
                }
            });
            writer.start();
            assertThat(statusAndBody(socket)).startsWith("HTTP/1.1 413").contains("application/problem+json");
            writer.join();
        }
        assertThat(inbox(shop).getList("items")).isEmpty();
    }

    @Test
    void shouldStoreAChunkedBodyWithinTheLimitAsSent() throws Exception {
        String shop = registerShop("chunked");
        String body = "{\"id\": 4711, \"note\": \"sent without Content-Length\"}";
        SignedWebhooks.Delivery d = delivery("orders/delete", shop, body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                + "/webhooks/shopify"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
                .header("Content-Type", "application/json")
                .header("X-Shopify-Hmac-Sha256", SignedWebhooks.sign(body.getBytes(StandardCharsets.UTF_8), SignedWebhooks.SECRET));
        d.headers().forEach(request::header);
        HttpResponse<String> answer = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        long id = inbox(shop).getLong("items[0].id");
        String payload = JSON.readTree(asAdmin().get("/admin/webhooks/inbox/" + id).then().statusCode(200)
                .extract().asString()).get("payload").toString();
        assertThat(JSON.readTree(payload)).isEqualTo(JSON.readTree(body));
    }

    @Test
    void shouldStoreAndHandleAPayloadWhoseTextHoldsANulCharacter() throws Exception {
        String shop = registerShop("nulnote");
        ObjectNode order = (ObjectNode) JSON.readTree(dev.storesync.testing.Orders.order(shop)
                .with("Acme", "N-1", 1).payload());
        order.put("note", "gift\u0000wrap, path C:\\u0000dir");
        String body = JSON.writeValueAsString(order);
        assertThat(body).contains("\\u0000");

        delivery("orders/create", shop, body).post().then().statusCode(200);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(inbox(shop).getString("items[0].state"))
                .isEqualTo("completed"));
        String stored = JSON.readTree(asAdmin().get("/admin/webhooks/inbox/" + inbox(shop).getLong("items[0].id"))
                .then().statusCode(200).extract().asString()).get("payload").get("note").asText();
        // The NUL becomes U+FFFD; a backslash followed by the letters u0000 is text and stays as sent.
        assertThat(stored).isEqualTo("gift\ufffdwrap, path C:\\u0000dir");
    }

    @Test
    void shouldDiscardASignedPayloadItCannotReadAtOnceAndKeepItForReplay() throws Exception {
        String shop = registerShop("unreadable");
        ObjectNode notAnArray = (ObjectNode) JSON.readTree(dev.storesync.testing.Orders.order(shop)
                .with("Acme", "U-1", 1).payload());
        notAnArray.put("line_items", "x");
        ObjectNode wrongQuantity = (ObjectNode) JSON.readTree(dev.storesync.testing.Orders.order(shop)
                .with("Acme", "U-2", 1).payload());
        ((ObjectNode) wrongQuantity.withArray("line_items").get(0)).put("quantity", "two");
        Map<String, String> reasons = new HashMap<>();
        reasons.put(delivery("orders/create", shop, notAnArray.toString()).post().then().statusCode(200).extract()
                .path("webhookId"), "payload unreadable: line_items must be an array");
        reasons.put(delivery("orders/updated", shop, wrongQuantity.toString()).post().then().statusCode(200).extract()
                .path("webhookId"), "payload unreadable: line_items[0].quantity must be a number");
        ObjectNode nullLines = (ObjectNode) JSON.readTree(dev.storesync.testing.Orders.order(shop)
                .with("Acme", "U-3", 1).payload());
        nullLines.putNull("line_items");
        reasons.put(delivery("orders/create", shop, nullLines.toString()).post().then().statusCode(200).extract()
                .path("webhookId"), "payload unreadable: line_items must be an array");
        reasons.put(delivery("orders/delete", shop, "{\"id\": \"abc\"}").post().then().statusCode(200).extract()
                .path("webhookId"), "payload unreadable: payload has neither admin_graphql_api_id nor a numeric id");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(inbox(shop).getList("items", Map.class))
                .hasSize(4).allSatisfy(row -> assertThat(row.get("state")).isEqualTo("discarded")));
        for (Map<String, Object> row : inbox(shop).getList("items", Map.class)) {
            asAdmin().get("/admin/webhooks/inbox/" + row.get("id")).then().statusCode(200)
                    .body("attempt", equalTo(1))
                    .body("finalizedAt", not(nullValue()))
                    .body("errors", hasSize(1))
                    .body("errors[0].error", equalTo(reasons.get((String) row.get("webhookId"))))
                    .body("lastError", equalTo(reasons.get((String) row.get("webhookId"))))
                    .body("payload", not(nullValue()));
        }
        long replayed = inbox(shop).getLong("items[0].id");
        asAdmin().post("/admin/webhooks/inbox/" + replayed + "/replay").then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin().get("/admin/webhooks/inbox/" + replayed)
                .then().body("state", equalTo("discarded")).body("attempt", equalTo(1)).body("errors", hasSize(2)));
    }

    @Test
    void shouldRejectBodiesThatAreNotAJsonObjectWith400() {
        String shop = registerShop("notjson");
        for (String body : new String[] { "not json", "{\"id\": 1", "[1, 2]", "{\"id\": 1} {\"id\": 2}", "" }) {
            delivery("orders/create", shop, body).post().then()
                    .statusCode(400).contentType("application/problem+json");
        }
        assertThat(inbox(shop).getList("items")).isEmpty();
    }

    @Test
    void shouldRejectMissingHeadersWith400() {
        String shop = registerShop("headers");
        for (String header : new String[] { "X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-Webhook-Id" }) {
            delivery("orders/create", shop, SMALL_BODY).without(header).post().then()
                    .statusCode(400).contentType("application/problem+json");
        }
        delivery("orders/create", "evil.example.com", SMALL_BODY).post().then().statusCode(400);
        assertThat(inbox(shop).getList("items")).isEmpty();
    }

    @Test
    void shouldKeepTheInboxForAdminsOnly() {
        RestAssured.given().get("/admin/webhooks/inbox").then().statusCode(401);
        String operator = dev.storesync.testing.Api.newKey("operator", null);
        dev.storesync.testing.Api.as(operator).get("/admin/webhooks/inbox").then().statusCode(403);
        asAdmin().get("/admin/webhooks/inbox?state=sleeping").then().statusCode(422)
                .body("errors[0].field", equalTo("state"));
        asAdmin().get("/admin/webhooks/inbox/987654321").then().statusCode(404)
                .contentType("application/problem+json");
        asAdmin().body(Map.of("state", "running")).post("/admin/webhooks/inbox/replay").then().statusCode(422);
    }

    @Test
    void shouldPageTheInboxNewestFirst() {
        String shop = registerShop("paging");
        for (int i = 0; i < 5; i++) {
            delivery("orders/delete", shop, "{\"id\": " + i + "}").post().then().statusCode(200);
        }
        JsonPath first = asAdmin().get("/admin/webhooks/inbox?limit=2&shop=" + shop).then().statusCode(200)
                .body("items", hasSize(2)).extract().jsonPath();
        List<Long> ids = new java.util.ArrayList<>(first.getList("items.id", Long.class));
        String cursor = first.getString("nextCursor");
        while (cursor != null) {
            JsonPath next = asAdmin().get("/admin/webhooks/inbox?limit=2&shop=" + shop + "&cursor=" + cursor).then()
                    .statusCode(200).extract().jsonPath();
            ids.addAll(next.getList("items.id", Long.class));
            cursor = next.getString("nextCursor");
        }
        assertThat(ids).hasSize(5).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    /** The Shopify headers of a signed-looking delivery; the body is never complete, so never checked. */
    private static String deliveryHeaders(String shop) {
        return "X-Shopify-Topic: orders/create\r\nX-Shopify-Shop-Domain: " + shop + "\r\nX-Shopify-Webhook-Id: "
                + UUID.randomUUID() + "\r\nX-Shopify-Hmac-Sha256: " + SignedWebhooks.sign(new byte[0], SignedWebhooks.SECRET)
                + "\r\n";
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket(URI.create(RestAssured.baseURI).getHost(), RestAssured.port);
        // Only a guard against hanging when the server waits for the rest of the body.
        socket.setSoTimeout(60_000);
        return socket;
    }

    /** The response as text, read until the server closes the connection or the problem document ends. */
    private static String statusAndBody(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        int read;
        while (!text.toString().contains("\"status\":413") && (read = in.read(buffer)) > 0) {
            text.append(new String(buffer, 0, read, StandardCharsets.US_ASCII));
        }
        return text.toString();
    }

    static JsonPath inbox(String shop) {
        return asAdmin().get("/admin/webhooks/inbox?limit=200&shop=" + shop).then().statusCode(200).extract().jsonPath();
    }
}
