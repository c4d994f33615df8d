package dev.storesync.inventory;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the inventory sync; each key and its environment variable are listed in README.md. */
@ConfigMapping(prefix = "storesync.inventory")
public interface InventoryConfig {

    /**
     * A running run whose heartbeat (written after each partner) is older than this is taken for
     * dead (its replica stopped) and marked abandoned by the next trigger, so a new run can start.
     */
    @WithDefault("15M")
    Duration runLease();
}
