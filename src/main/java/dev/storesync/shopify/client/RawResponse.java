package dev.storesync.shopify.client;

import io.vertx.core.json.JsonObject;

/**
 * A non-transient HTTP answer from the Admin API: body parsed when it is JSON, and the
 * {@code Retry-After} seconds when Shopify sent them.
 */
record RawResponse(int status, JsonObject body, String rawBody, Double retryAfterSeconds) {
}
