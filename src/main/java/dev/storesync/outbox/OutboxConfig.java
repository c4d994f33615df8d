package dev.storesync.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Delivery of outbound events to subscribers; each key and its environment variable are in README.md. */
@ConfigMapping(prefix = "storesync.outbox")
public interface OutboxConfig {

    /** Subscriber URLs, comma separated; every event is POSTed to each. None: events wait, undelivered. */
    Optional<List<String>> subscribers();

    /** HMAC-SHA256 key of the {@code StoreSync-Signature} header. Required for delivery. */
    Optional<String> secret();

    /** Whether this replica delivers (several replicas share the work through SKIP LOCKED claims). */
    @WithDefault("true")
    boolean enabled();

    /** How often due events are looked for. */
    @WithDefault("5S")
    Duration pollInterval();

    /** Events claimed per statement. */
    @WithDefault("20")
    int batchSize();

    /** Events delivered at the same time by this replica. */
    @WithDefault("4")
    int concurrency();

    /** Attempts after which an event is discarded, its last error kept. */
    @WithDefault("12")
    int maxAttempts();

    /** Delay before the first retry; doubles per attempt, with jitter, up to {@link #backoffMax()}. */
    @WithDefault("10S")
    Duration backoffBase();

    @WithDefault("1H")
    Duration backoffMax();

    /** One POST to a subscriber. */
    @WithDefault("10S")
    Duration requestTimeout();

    /**
     * A claimed event is claimable again after this (its replica died mid-delivery). Renewed for each
     * event just before it is delivered, so it must cover one event's delivery: its POSTs go to the
     * subscribers one after another, so keep it above subscribers × {@code request-timeout}.
     */
    @WithDefault("2M")
    Duration lease();

    /** Delivered and discarded events are deleted once finished for this long. */
    @WithDefault("7D")
    Duration retention();

    /** How often finished events past the retention are pruned (one replica per slot). */
    @WithDefault("1H")
    Duration pruneInterval();

    /** Events deleted per statement by the pruner (it repeats until fewer are left). */
    @WithDefault("1000")
    int pruneBatchSize();
}
