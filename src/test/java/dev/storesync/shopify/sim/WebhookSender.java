package dev.storesync.shopify.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends webhooks the way Shopify delivers them over HTTPS: a POST of the raw JSON body with the
 * {@code X-Shopify-*} headers and a base64 HMAC-SHA256 signature keyed with the app's client secret.
 * Like Shopify it allows 5 seconds in all.
 */
public final class WebhookSender {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    public WebhookDelivery send(String url, String topic, String shopDomain, byte[] body, String secret) {
        return send(WebhookMessage.of(url, topic, shopDomain, body, secret));
    }

    /** Same, with a chosen {@code X-Shopify-Webhook-Id}, as Shopify reuses it on retries. */
    public WebhookDelivery send(String url, String topic, String shopDomain, byte[] body, String secret,
            String webhookId) {
        return send(WebhookMessage.of(url, topic, shopDomain, body, secret).withWebhookId(webhookId));
    }

    public WebhookDelivery send(WebhookMessage message) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Shopify-Topic", message.topic());
        headers.put("X-Shopify-Hmac-Sha256", message.hmac() != null ? message.hmac()
                : sign(message.body(), message.secret()));
        headers.put("X-Shopify-Shop-Domain", message.shopDomain());
        headers.put("X-Shopify-API-Version", message.apiVersion());
        headers.put("X-Shopify-Webhook-Id", message.webhookId());
        headers.put("X-Shopify-Triggered-At", message.triggeredAt().toString());
        headers.put("X-Shopify-Event-Id", message.eventId());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(message.url()))
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofByteArray(message.body()));
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = client.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new WebhookDelivery(response.statusCode(), response.body(), Map.copyOf(headers));
        } catch (IOException e) {
            throw new UncheckedIOException("webhook delivery to " + message.url() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Base64 HMAC-SHA256 of the raw body, as in {@code X-Shopify-Hmac-Sha256}. */
    public static String sign(byte[] body, String secret) {
        return Base64.getEncoder().encodeToString(hmacSha256(body, secret));
    }

    static byte[] hmacSha256(byte[] data, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
