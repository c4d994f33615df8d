package dev.storesync.kernel;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** This instance's liveness signal to the others; environment variables are {@code STORESYNC_INSTANCE_*}. */
@ConfigMapping(prefix = "storesync.instance")
public interface InstanceConfig {

    /** How often this instance renews its heartbeat row. */
    @WithDefault("5S")
    Duration heartbeatInterval();

    /**
     * An instance whose heartbeat is older than this is taken for dead: its claimed webhook rows,
     * shipments and job leases are rescued at once. Several heartbeat intervals, so a slow database
     * round or a GC pause does not make a live instance look dead.
     */
    @WithDefault("20S")
    Duration heartbeatTimeout();
}
