package dev.storesync.shopify.sim;

/**
 * Shopify's per (app, shop) cost bucket: a query reserves its requested cost, the unused part is
 * refunded after execution, and points come back at {@code restoreRate} per second.
 */
final class LeakyBucket {

    /** {@code extensions.cost.throttleStatus}. */
    record ThrottleStatus(double maximumAvailable, double currentlyAvailable, double restoreRate) {
    }

    private double maximum;
    private double restoreRate;
    private double available;
    private long lastNanos = System.nanoTime();

    LeakyBucket(double maximum, double restoreRate) {
        configure(maximum, restoreRate);
    }

    synchronized void configure(double newMaximum, double newRestoreRate) {
        maximum = newMaximum;
        restoreRate = newRestoreRate;
        available = newMaximum;
        lastNanos = System.nanoTime();
    }

    synchronized void drain() {
        available = 0;
        lastNanos = System.nanoTime();
    }

    /** Takes {@code cost} points if there are that many. */
    synchronized boolean tryTake(int cost) {
        restore();
        if (cost > available) {
            return false;
        }
        available -= cost;
        return true;
    }

    synchronized void refund(int points) {
        restore();
        available = Math.min(maximum, available + Math.max(points, 0));
    }

    synchronized ThrottleStatus status() {
        restore();
        return new ThrottleStatus(maximum, Math.floor(available), restoreRate);
    }

    private void restore() {
        long now = System.nanoTime();
        available = Math.min(maximum, available + (now - lastNanos) / 1e9 * restoreRate);
        lastNanos = now;
    }
}
