package dev.storesync.testing;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds Shopify webhook deliveries the way Shopify sends them (headers, base64 HMAC of the raw
 * body) and posts them to {@code /webhooks/shopify}. Signing is done here, independently of the
 * application's own verifier.
 */
public final class SignedWebhooks {

    /** The client secret of the test profile. */
    public static final String SECRET = "test-client-secret";
    /** The previous client secret of the test profile, still accepted during a rotation. */
    public static final String PREVIOUS_SECRET = "test-previous-secret";
    /** Shopify's documentation payloads, one per topic (their source is in the README there). */
    public static final Path SAMPLES = Path.of("src", "test", "resources", "shopify", "webhooks");

    /** Resource prefixes of the sample file names, longest first: {@code orders_create.json} is orders/create. */
    private static final List<String> RESOURCES = List.of(
            "fulfillment_orders", "inventory_levels", "inventory_items", "fulfillments", "orders");

    private SignedWebhooks() {
    }

    /** A delivery of {@code body} for {@code topic} from {@code shop}, signed with the current secret. */
    public static Delivery delivery(String topic, String shop, String body) {
        return new Delivery(topic, shop, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Registers an active shop with a unique domain and returns the domain. */
    public static String registerShop(String prefix) {
        String domain = Api.uniqueShopDomain(prefix);
        Api.asAdmin().body(Map.of("domain", domain, "accessToken", "shpat_" + UUID.randomUUID()))
                .post("/admin/shops").then().statusCode(201);
        return domain;
    }

    /** The shop's id, looked up through the admin API. */
    public static long shopId(String domain) {
        return Api.asAdmin().get("/admin/shops").then().statusCode(200).extract().jsonPath()
                .getLong("find { it.domain == '" + domain + "' }.id");
    }

    public static String sign(byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every sample payload file. */
    public static List<Path> samples() {
        try (Stream<Path> files = Files.list(SAMPLES)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sample(String fileName) {
        try {
            return Files.readString(SAMPLES.resolve(fileName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The topic a sample file is for. */
    public static String topicOf(Path sample) {
        String name = sample.getFileName().toString().replace(".json", "");
        for (String resource : RESOURCES) {
            if (name.startsWith(resource + "_")) {
                return resource + "/" + name.substring(resource.length() + 1);
            }
        }
        throw new IllegalArgumentException("No known topic for sample " + name);
    }

    /** One delivery; every header can be changed or left out before it is sent. */
    public static final class Delivery {
        private final byte[] body;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String secret = SECRET;

        private Delivery(String topic, String shop, byte[] body) {
            this.body = body;
            headers.put("X-Shopify-Topic", topic);
            headers.put("X-Shopify-Shop-Domain", shop);
            headers.put("X-Shopify-Webhook-Id", UUID.randomUUID().toString());
            headers.put("X-Shopify-Event-Id", UUID.randomUUID().toString());
            headers.put("X-Shopify-Triggered-At", Instant.now().toString());
            headers.put("X-Shopify-API-Version", "2026-07");
        }

        public Delivery signedWith(String otherSecret) {
            this.secret = otherSecret;
            return this;
        }

        public Delivery header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Delivery without(String header) {
            headers.remove(header);
            return this;
        }

        public Delivery webhookId(String id) {
            return header("X-Shopify-Webhook-Id", id);
        }

        public String webhookId() {
            return headers.get("X-Shopify-Webhook-Id");
        }

        /** The Shopify headers it is sent with, without the signature. */
        public Map<String, String> headers() {
            return Map.copyOf(headers);
        }

        public RequestSpecification request() {
            RequestSpecification spec = given().contentType("application/json").body(body);
            headers.forEach(spec::header);
            if (secret != null && !headers.containsKey("X-Shopify-Hmac-Sha256")) {
                spec.header("X-Shopify-Hmac-Sha256", sign(body, secret));
            }
            return spec;
        }

        /** Sends it unsigned when the secret is null. */
        public Delivery unsigned() {
            this.secret = null;
            return this;
        }

        public Response post() {
            return request().post("/webhooks/shopify");
        }
    }
}
