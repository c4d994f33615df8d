package dev.storesync.kernel;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** What a replica does with its background work when it stops; environment variables are {@code STORESYNC_SHUTDOWN_*}. */
@ConfigMapping(prefix = "storesync.shutdown")
public interface ShutdownConfig {

    /**
     * How long a stopping replica waits for the webhook handlers and shipment syncs it is running to
     * finish before it hands back the rest. Keep delay + HTTP timeout + this below the pod's
     * termination grace period.
     */
    @WithDefault("15S")
    Duration drainTimeout();
}
