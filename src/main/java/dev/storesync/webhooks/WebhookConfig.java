package dev.storesync.webhooks;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Webhook intake and inbox dispatcher settings; environment variables are {@code STORESYNC_WEBHOOKS_*}. */
@ConfigMapping(prefix = "storesync.webhooks")
public interface WebhookConfig {

    /** Largest webhook body accepted; larger deliveries are answered 413 and not stored. */
    @WithDefault("2M")
    @WithConverter(MemorySizeConverter.class)
    MemorySize maxBodySize();

    Dispatcher dispatcher();

    /** Inbox rows in a final state (completed, ignored, discarded) are deleted this long after finishing. */
    @WithDefault("7d")
    Duration retention();

    /** How often finished rows older than the retention are pruned. */
    @WithDefault("1h")
    Duration pruneInterval();

    /** Rows deleted per prune statement, so a large backlog never holds locks for long. */
    @WithDefault("1000")
    int pruneBatchSize();

    interface Dispatcher {
        /** Whether this replica runs handlers. Intake works either way; turn off for intake-only replicas. */
        @WithDefault("true")
        boolean enabled();

        /** How often the inbox is polled for due rows; new deliveries also wake the dispatcher at once. */
        @WithDefault("1s")
        Duration pollInterval();

        /** Rows claimed per statement. */
        @WithDefault("20")
        int batchSize();

        /** Handlers run at the same time by this replica. */
        @WithDefault("4")
        int concurrency();

        /** Attempts before a failing delivery is discarded. */
        @WithDefault("12")
        int maxAttempts();

        /** Delay before the first retry; it doubles per attempt, with jitter, up to {@link #backoffMax()}. */
        @WithDefault("5s")
        Duration backoffBase();

        /** Longest delay between two attempts. */
        @WithDefault("1h")
        Duration backoffMax();

        /** A handler still running after this long counts as failed. Keep it well below {@link #lease()}. */
        @WithDefault("1m")
        Duration handlerTimeout();

        /** A row still 'running' this long after its claim is presumed lost (crashed replica) and rescued. */
        @WithDefault("5m")
        Duration lease();

        /** How often expired leases are looked for. */
        @WithDefault("10s")
        Duration rescueInterval();
    }
}
