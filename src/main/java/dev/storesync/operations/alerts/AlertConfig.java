package dev.storesync.operations.alerts;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The order alerts' clock evaluation and their live stream. Thresholds are in OrderOperationsConfig. */
@ConfigMapping(prefix = "storesync.operations.alerts")
public interface AlertConfig {

    /** How often the clock-based alerts (tracking_pending, delayed) are evaluated, on one replica. */
    @WithDefault("1M")
    Duration evaluateInterval();

    /** Orders evaluated per run at most. */
    @WithDefault("1000")
    int evaluateBatchSize();

    /** A comment line is sent on every SSE stream this often, so proxies keep it open. */
    @WithDefault("15S")
    Duration keepAlive();

    /** The LISTEN connection is re-opened after this wait when it is lost. */
    @WithDefault("1S")
    Duration reconnectDelay();
}
