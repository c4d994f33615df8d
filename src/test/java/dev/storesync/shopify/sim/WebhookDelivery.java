package dev.storesync.shopify.sim;

import java.util.Map;

/** What the receiver answered to one webhook delivery, with the headers that were sent. */
public record WebhookDelivery(int status, String body, Map<String, String> sentHeaders) {

    public String webhookId() {
        return sentHeaders.get("X-Shopify-Webhook-Id");
    }

    public boolean acknowledged() {
        return status >= 200 && status < 300;
    }
}
