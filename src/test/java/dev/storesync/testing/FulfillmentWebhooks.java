package dev.storesync.testing;

import io.restassured.RestAssured;

/**
 * Makes a connected shop's simulator send {@code fulfillments/create|update} as Shopify does, to
 * this test run's intake: the shop's subscriptions were registered with the configured app URL,
 * which is not the random port tests listen on.
 */
public final class FulfillmentWebhooks {

    private FulfillmentWebhooks() {
    }

    public static void on(ConnectedShop store) {
        String intake = RestAssured.baseURI + ":" + RestAssured.port + "/webhooks/shopify";
        store.shop.webhookSubscriptions().forEach(s -> s.callbackUrl(intake));
        store.shop.fulfillmentWebhooks(true);
    }
}
