package dev.storesync.shipments.tracking;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The tracking poller: the fallback for fulfillment webhooks that never came. */
@ConfigMapping(prefix = "storesync.tracking")
public interface TrackingConfig {

    /** How often the poller runs (on one replica at a time). */
    @WithDefault("15M")
    Duration pollInterval();

    /** Orders re-read per run at most, least recently polled first. */
    @WithDefault("50")
    int pollBatchSize();

    /** Orders read from Shopify at once. */
    @WithDefault("4")
    int pollConcurrency();
}
