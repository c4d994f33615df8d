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

    /** Live updates: partners' inventory_levels/update deliveries re-sync the items they name. */
    Live live();

    interface Live {

        /** Whether this replica syncs queued live updates (deliveries are queued either way). */
        @WithDefault("true")
        boolean enabled();

        /**
         * An item is synced this long after the first delivery that named it; deliveries meanwhile
         * coalesce into that one read and write of the latest value.
         */
        @WithDefault("2S")
        Duration debounce();

        /** How often this replica looks for due items. */
        @WithDefault("1S")
        Duration pollInterval();

        /** A claimed item whose replica stopped is free for another after this. */
        @WithDefault("2M")
        Duration lease();

        /** After a failed attempt (partner or owner unreachable), the item waits up to this long. */
        @WithDefault("5M")
        Duration retryCap();
    }
}
