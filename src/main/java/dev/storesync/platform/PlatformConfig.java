package dev.storesync.platform;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of the order platform (OMG) client and sync; each key and its environment variable are in README.md. */
@ConfigMapping(prefix = "storesync.platform")
public interface PlatformConfig {

    /** Base URL of the platform's Orders API, e.g. {@code https://omg.example.com/api/v1}. Unset: no sync runs. */
    Optional<String> baseUrl();

    /** Bearer token sent to the platform. */
    Optional<String> token();

    /** Orders asked for per page. */
    @WithDefault("100")
    int pageSize();

    /**
     * Requests in flight to the platform at once (pages are read one after another, the POs of a
     * page's orders this many at a time; one run at a time cluster-wide, so this bounds the cluster).
     */
    @WithDefault("8")
    int concurrency();

    /** One HTTP exchange with the platform; a slower answer is a timeout and retried. */
    @WithDefault("10S")
    Duration requestTimeout();

    /** Attempts per request (429, 5xx, timeouts and connection failures are retried). */
    @WithDefault("5")
    int maxAttempts();

    /** Delay before the first retry after a 5xx or timeout; doubles per attempt with jitter up to {@link #retryMax()}. */
    @WithDefault("500MS")
    Duration retryBase();

    /** Longest wait between two attempts, a 429's {@code Retry-After} included. */
    @WithDefault("30S")
    Duration retryMax();

    /** How often the periodic sync runs (one replica per slot); {@code off} disables it. */
    @WithDefault("15M")
    String syncInterval();

    /** The first run (no successful run yet) and a full resync read orders updated within this. */
    @WithDefault("183D")
    Duration initialCutoff();

    /**
     * A running run without a heartbeat for this long is taken for dead and abandoned. The heartbeat is
     * written after each order and each page, so the longest silence of a live run is one request with
     * all its retries: about {@code max-attempts × (request-timeout + retry-max)} = 5 × (10 s + 30 s) =
     * 200 s by default. Keep the lease well above that.
     */
    @WithDefault("15M")
    Duration runLease();

    /**
     * How far before the newest {@code updated_at} a successful run read the next run starts (the
     * watermark), so changes the platform commits late with an earlier timestamp are still read.
     */
    @WithDefault("5M")
    Duration syncOverlap();
}
