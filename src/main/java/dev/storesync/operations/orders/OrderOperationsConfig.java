package dev.storesync.operations.orders;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Thresholds of the dashboard's order list: when an order counts as tracking-pending or delayed. */
@ConfigMapping(prefix = "storesync.operations.orders")
public interface OrderOperationsConfig {

    /** An open order older than this with a line still to ship and no tracking is {@code tracking_pending} (priority high). */
    @WithDefault("2H")
    Duration trackingPendingAfter();

    /** A synced shipment whose last update is older than this makes its order {@code delayed} (priority high). */
    @WithDefault("24H")
    Duration delayedAfter();

    /** A delayed shipment older than this makes its order's priority urgent. */
    @WithDefault("72H")
    Duration urgentDelayedAfter();
}
