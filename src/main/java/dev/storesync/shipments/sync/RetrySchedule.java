package dev.storesync.shipments.sync;

import java.time.Duration;

/** Backoff for shipments waiting on Shopify: base × 2^(attempt−1), capped (5, 10, 20, 40, 60, 60 … min). */
public record RetrySchedule(Duration base, Duration cap) {

    /** Delay before the attempt after failed attempt number {@code attempt} (from 1). */
    public Duration delayAfter(int attempt) {
        int exponent = Math.max(0, Math.min(attempt - 1, 30));
        long millis = base.toMillis() * (1L << Math.min(exponent, 20));
        return millis >= cap.toMillis() || millis <= 0 ? cap : Duration.ofMillis(millis);
    }
}
