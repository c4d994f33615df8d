package dev.storesync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;

class InboxWorkerBackoffTest {

    private static final Duration BASE = Duration.ofSeconds(5);
    private static final Duration MAX = Duration.ofHours(1);

    @RepeatedTest(20)
    void shouldDoubleWithJitterAndStopAtTheMaximum() {
        assertThat(InboxWorker.backoff(1, BASE, MAX)).isBetween(Duration.ofMillis(2500), BASE);
        assertThat(InboxWorker.backoff(3, BASE, MAX)).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(20));
        assertThat(InboxWorker.backoff(12, BASE, MAX)).isBetween(Duration.ofMinutes(30), MAX);
        assertThat(InboxWorker.backoff(500, BASE, MAX)).isBetween(Duration.ofMinutes(30), MAX);
    }
}
