package dev.storesync.inventory;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings of the inventory sync; each key and its environment variable are listed in README.md. */
@ConfigMapping(prefix = "storesync.inventory")
public interface InventoryConfig {

    /**
     * A running run whose heartbeat (written after each partner) is older than this is taken for
     * dead (its replica stopped) and marked abandoned by the next trigger, so a new run can start.
     */
    @WithDefault("15M")
    Duration runLease();

    /** How often a replica checks whether a scheduled run is due (the interval itself is in the database). */
    @WithDefault("1M")
    Duration scheduleTick();

    /** The secret {@code POST /api/cron/inventory-sync} requires; without one the endpoint answers 404. */
    Optional<String> cronSecret();

    /** How often the SSE stream of a running run re-reads its progress from the database. */
    @WithDefault("1S")
    Duration progressInterval();

    /** Critical-failure alerts. */
    Alerts alerts();

    interface Alerts {

        /** Recipients of alert and recovery mails; without them (or without SMTP) alerts are only logged and shown. */
        Optional<List<String>> emailTo();

        /** Sender of the mails. */
        @WithDefault("storesync@localhost")
        String emailFrom();

        /** How often unsent alert mails are (re)tried; a new alert is mailed at once. */
        @WithDefault("30S")
        Duration mailRetryInterval();
    }

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
