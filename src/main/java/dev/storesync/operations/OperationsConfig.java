package dev.storesync.operations;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Operational views: queue progress and its Prometheus gauges. */
@ConfigMapping(prefix = "storesync.operations")
public interface OperationsConfig {

    /**
     * How often each replica re-reads queue progress for its gauges; a scrape only reads the last
     * snapshot, never the database.
     */
    @WithDefault("30S")
    Duration queueMetricsRefresh();
}
