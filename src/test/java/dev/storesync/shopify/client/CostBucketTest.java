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
    void shouldPaceABurstAtTheRestoreRate() {
        CostBucket bucket = new CostBucket();
        bucket.observe(100, 100, 50, 0);
        assertThat(bucket.reserve(60, 0)).isEqualTo(Duration.ZERO);
        // 40 left; the next 60 need 20 more points: 0.4 s at 50 points/s
        assertThat(bucket.reserve(60, 0)).isEqualTo(Duration.ofMillis(400));
        // that reservation is counted: a third needs 60 more: 1.6 s in all
        assertThat(bucket.reserve(60, 0)).isEqualTo(Duration.ofMillis(1600));
    }

    @Test
    void shouldRefillOverTimeUpToTheMaximum() {
        CostBucket bucket = new CostBucket();
        bucket.observe(100, 0, 50, 0);
        assertThat(bucket.available(SECOND)).isEqualTo(50);
        assertThat(bucket.available(10 * SECOND)).isEqualTo(100);
    }

    @Test
    void shouldTellHowLongUntilAThrottledQueryIsAffordable() {
        CostBucket bucket = new CostBucket();
        bucket.observe(1000, 100, 100, 0);
        assertThat(bucket.timeUntil(300, 0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(bucket.timeUntil(50, 0)).isEqualTo(Duration.ZERO);
    }
}
