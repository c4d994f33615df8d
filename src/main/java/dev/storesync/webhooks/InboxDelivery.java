package dev.storesync.webhooks;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One claimed inbox row, as a handler sees it.
 *
 * @param id          inbox row id
 * @param webhookId   {@code X-Shopify-Webhook-Id}
 * @param topic       {@code X-Shopify-Topic}, e.g. {@code orders/create}
 * @param shopDomain  the myshopify domain that sent it
 * @param shopId      the shop's id, or null when the shop row no longer exists
 * @param eventId     {@code X-Shopify-Event-Id}, or null
 * @param triggeredAt {@code X-Shopify-Triggered-At}, or the time it was received when absent
 * @param apiVersion  the API version the payload is serialized with
 * @param payload     the JSON body
 * @param attempt     this attempt's number, from 1
 * @param maxAttempts attempts allowed before the row is discarded
 * @param duplicateOf an earlier row with the same topic and event id, or null
 */
public record InboxDelivery(long id, String webhookId, String topic, String shopDomain, Long shopId, String eventId,
        Instant triggeredAt, String apiVersion, JsonObject payload, int attempt, int maxAttempts, Long duplicateOf) {

    /** True on the attempt after which a failure discards the row. */
    public boolean isLastAttempt() {
        return attempt >= maxAttempts;
    }
}
