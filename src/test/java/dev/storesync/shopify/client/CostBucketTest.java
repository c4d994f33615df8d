package dev.storesync.shopify.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CostBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldNotWaitBeforeTheBucketIsKnown() {
        assertThat(new CostBucket().reserve(500, 0)).isEqualTo(Duration.ZERO);
    }

    @Test
    void shouldQueueABurstAtTheRestoreRate() {
        CostBucket bucket = new CostBucket();
        bucket.observe(100, 100, 50, 0, 0);
        assertThat(bucket.reserve(60, 0)).isEqualTo(Duration.ZERO);
        // 40 left; the next 60 need 20 more points: 0.4 s at 50 points/s
        assertThat(bucket.reserve(60, 0)).isEqualTo(Duration.ofMillis(400));
        // that reservation is counted: a third needs 60 more: 1.6 s in all
        assertThat(bucket.reserve(60, 0)).isEqualTo(Duration.ofMillis(1600));
    }

    @Test
    void shouldKeepOutstandingReservationsWhenShopifyReportsTheBucket() {
        CostBucket bucket = new CostBucket();
        bucket.observe(100, 100, 50, 0, 0);
        bucket.reserve(60, 0);
        bucket.reserve(60, 0);
        bucket.reserve(60, 0);
        // The first call is answered: Shopify says 40 left; the two others still hold 120 points.
        bucket.observe(100, 40, 50, 60, 0);
        assertThat(bucket.available(0)).isEqualTo(-80);
        assertThat(bucket.reserve(10, 0)).isEqualTo(Duration.ofMillis(1800));
    }

    @Test
    void shouldGiveBackTheReservationOfACallThatFailed() {
        CostBucket bucket = new CostBucket();
        bucket.observe(100, 100, 50, 0, 0);
        bucket.reserve(80, 0);
        bucket.release(80, 0);
        assertThat(bucket.reserve(100, 0)).isEqualTo(Duration.ZERO);
    }

    @Test
    void shouldRefillOverTimeUpToTheMaximum() {
        CostBucket bucket = new CostBucket();
        bucket.observe(100, 0, 50, 0, 0);
        assertThat(bucket.available(SECOND)).isEqualTo(50);
        assertThat(bucket.available(10 * SECOND)).isEqualTo(100);
    }
}
