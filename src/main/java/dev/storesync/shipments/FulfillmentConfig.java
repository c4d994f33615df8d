package dev.storesync.shipments;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How shipments are synced to Shopify. */
@ConfigMapping(prefix = "storesync.fulfillment")
public interface FulfillmentConfig {

    /** First wait when Shopify has no fulfillable fulfillment order yet; doubles per attempt. */
    @WithDefault("5M")
    Duration retryBase();

    /** Longest wait between two attempts. */
    @WithDefault("60M")
    Duration retryCap();

    /** First wait after a transient failure (5xx, timeout, throttling); doubles per attempt. */
    @WithDefault("1M")
    Duration transientRetryBase();

    /** Longest wait between two attempts after transient failures. */
    @WithDefault("30M")
    Duration transientRetryCap();

    /** Transient failures in a row after which a shipment is marked failed for an operator. */
    @WithDefault("10")
    int transientMaxAttempts();

    /** Attempts without a fulfillable fulfillment order after which a shipment is marked failed for an operator. */
    @WithDefault("20")
    int maxAttempts();

    /** Age after which a shipment that still cannot sync is marked failed for an operator. */
    @WithDefault("48H")
    Duration maxAge();

    /** How often each replica looks for due shipments (registrations and webhooks also wake it). */
    @WithDefault("10S")
    Duration pollInterval();

    /** Shipments claimed per round. */
    @WithDefault("20")
    int batchSize();

    /** Orders synced in parallel per replica (shipments of one order always go one after another). */
    @WithDefault("4")
    int orderConcurrency();

    /** How long a claimed shipment stays claimed; a worker that dies leaves it due again after this. */
    @WithDefault("2M")
    Duration lease();
}
