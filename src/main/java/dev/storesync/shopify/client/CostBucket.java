package dev.storesync.shopify.client;

import java.time.Duration;

/**
 * Our model of one shop's GraphQL leaky bucket, refreshed from every response's
 * {@code extensions.cost.throttleStatus}. Callers reserve the cost they expect before sending and
 * wait the time the bucket needs to refill to afford it, so a burst is paced at the restore rate
 * instead of ending in THROTTLED errors.
 */
final class CostBucket {

    private double maximum;
    private double available;
    private double restoreRate;
    private long updatedNanos;
    private boolean known;

    /** Reserves {@code cost} points and returns how long to wait before sending. */
    synchronized Duration reserve(double cost, long nowNanos) {
        if (!known) {
            return Duration.ZERO;
        }
        refill(nowNanos);
        double needed = Math.min(cost, maximum);
        available -= needed;
        if (available >= 0) {
            return Duration.ZERO;
        }
        return Duration.ofMillis((long) Math.ceil(-available / restoreRate * 1000));
    }

    /** Takes Shopify's word for the bucket's state. */
    synchronized void observe(double maximumAvailable, double currentlyAvailable, double restore, long nowNanos) {
        if (restore <= 0 || maximumAvailable <= 0) {
            return;
        }
        this.maximum = maximumAvailable;
        this.available = currentlyAvailable;
        this.restoreRate = restore;
        this.updatedNanos = nowNanos;
        this.known = true;
    }

    /** Time until {@code cost} points are available, from the last observed state (for THROTTLED). */
    synchronized Duration timeUntil(double cost, long nowNanos) {
        if (!known) {
            return Duration.ofSeconds(1);
        }
        refill(nowNanos);
        double missing = Math.min(cost, maximum) - available;
        return missing <= 0 ? Duration.ZERO : Duration.ofMillis((long) Math.ceil(missing / restoreRate * 1000));
    }

    synchronized double available(long nowNanos) {
        refill(nowNanos);
        return available;
    }

    private void refill(long nowNanos) {
        double seconds = (nowNanos - updatedNanos) / 1e9;
        available = Math.min(maximum, available + seconds * restoreRate);
        updatedNanos = nowNanos;
    }
}
