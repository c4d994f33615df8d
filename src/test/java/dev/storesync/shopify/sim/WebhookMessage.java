package dev.storesync.shopify.sim;

import java.time.Instant;
import java.util.UUID;

/**
 * One webhook delivery to send, with every header Shopify sets. Start from {@link #of} and change
 * what a test needs: {@code WebhookMessage.of(...).withWebhookId("same-id")}. {@code hmac} null means
 * "sign the body with the secret"; set it to forge or break the signature.
 */
public record WebhookMessage(String url, String topic, String shopDomain, byte[] body, String secret,
        String webhookId, String eventId, Instant triggeredAt, String apiVersion, String hmac) {

    public static final String DEFAULT_API_VERSION = "2026-10";

    public static WebhookMessage of(String url, String topic, String shopDomain, byte[] body, String secret) {
        return new WebhookMessage(url, topic, shopDomain, body, secret, UUID.randomUUID().toString(),
                UUID.randomUUID().toString(), Instant.now(), DEFAULT_API_VERSION, null);
    }

    public WebhookMessage withWebhookId(String id) {
        return new WebhookMessage(url, topic, shopDomain, body, secret, id, eventId, triggeredAt, apiVersion, hmac);
    }

    public WebhookMessage withEventId(String id) {
        return new WebhookMessage(url, topic, shopDomain, body, secret, webhookId, id, triggeredAt, apiVersion, hmac);
    }

    public WebhookMessage withTriggeredAt(Instant at) {
        return new WebhookMessage(url, topic, shopDomain, body, secret, webhookId, eventId, at, apiVersion, hmac);
    }

    public WebhookMessage withApiVersion(String version) {
        return new WebhookMessage(url, topic, shopDomain, body, secret, webhookId, eventId, triggeredAt, version, hmac);
    }

    public WebhookMessage withUrl(String address) {
        return new WebhookMessage(address, topic, shopDomain, body, secret, webhookId, eventId, triggeredAt, apiVersion,
                hmac);
    }

    public WebhookMessage withHmac(String header) {
        return new WebhookMessage(url, topic, shopDomain, body, secret, webhookId, eventId, triggeredAt, apiVersion,
                header);
    }
}
