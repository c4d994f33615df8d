package dev.storesync.shopify.client;

import java.time.Duration;

/**
 * Our model of one shop's GraphQL leaky bucket. Every call reserves the cost it expects before
 * sending and waits until the bucket can afford it; each answer releases that reservation and
 * resets the model to Shopify's {@code throttleStatus} minus the reservations still outstanding.
 * So concurrent callers queue up at the restore rate instead of stampeding into THROTTLED.
 */
final class CostBucket {

    private double maximum;
    private double available;
    private double restoreRate;
    private double outstanding;
    private long updatedNanos;
    private boolean known;

    /** Reserves {@code cost} points and returns how long to wait before sending. */
    synchronized Duration reserve(double cost, long nowNanos) {
        outstanding += cost;
        if (!known) {
            return Duration.ZERO;
        }
        refill(nowNanos);
        available -= Math.min(cost, maximum);
        if (available >= 0) {
            return Duration.ZERO;
        }
        return Duration.ofMillis((long) Math.ceil(-available / restoreRate * 1000));
    }

    /** An answer arrived for a call that reserved {@code reserved}: take Shopify's word for the bucket. */
    synchronized void observe(double maximumAvailable, double currentlyAvailable, double restore, double reserved,
            long nowNanos) {
        outstanding = Math.max(0, outstanding - reserved);
        if (restore <= 0 || maximumAvailable <= 0) {
            return;
        }
        this.maximum = maximumAvailable;
        this.restoreRate = restore;
        this.available = currentlyAvailable - outstanding;
        this.updatedNanos = nowNanos;
        this.known = true;
    }

    /** A call that reserved {@code reserved} ended without a cost report: give the points back. */
    synchronized void release(double reserved, long nowNanos) {
        outstanding = Math.max(0, outstanding - reserved);
        if (known) {
            refill(nowNanos);
            available = Math.min(maximum, available + Math.min(reserved, maximum));
        }
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
