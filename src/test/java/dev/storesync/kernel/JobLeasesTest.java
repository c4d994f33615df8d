package dev.storesync.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Periodic jobs run where the lease is held: one holder at a time, and a lapsed lease goes to another. */
@QuarkusTest
class JobLeasesTest {

    private static final Duration LONG = Duration.ofHours(1);

    @Inject
    Pool pool;

    private JobLeases replica(String name) {
        return new JobLeases(pool, name + "-" + UUID.randomUUID());
    }

    private static boolean take(JobLeases leases, String job, Duration ttl) {
        return leases.tryAcquire(job, ttl).await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void shouldLetOnlyOneHolderHoldALeaseAtOnce() {
        String job = "test-job-" + UUID.randomUUID();
        JobLeases a = replica("a");
        JobLeases b = replica("b");

        assertThat(take(a, job, LONG)).as("a takes the free lease").isTrue();
        assertThat(take(b, job, LONG)).as("b while a holds it").isFalse();
        assertThat(take(a, job, LONG)).as("a renews its own lease").isTrue();
        assertThat(take(b, job, LONG)).as("b after a renewed").isFalse();
        assertThat(take(b, "other-" + job, LONG)).as("b takes another job's lease").isTrue();
    }

    @Test
    void shouldHandAnExpiredLeaseToAnotherHolder() {
        String job = "test-job-" + UUID.randomUUID();
        JobLeases a = replica("a");
        JobLeases b = replica("b");
        assertThat(take(a, job, LONG)).isTrue();
        assertThat(take(b, job, LONG)).isFalse();

        // a renews for a moment only, as a replica that stops renewing leaves its lease to lapse.
        assertThat(take(a, job, Duration.ofMillis(200))).isTrue();

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> take(b, job, LONG));
        assertThat(take(a, job, LONG)).as("a after b took over").isFalse();
    }
}
