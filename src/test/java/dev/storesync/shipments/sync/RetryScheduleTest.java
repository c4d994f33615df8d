package dev.storesync.shipments.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    @Test
    void shouldWaitFiveTenTwentyFortyThenSixtyMinutes() {
        RetrySchedule schedule = new RetrySchedule(Duration.ofMinutes(5), Duration.ofMinutes(60));
        assertThat(java.util.stream.IntStream.rangeClosed(1, 8).mapToObj(schedule::delayAfter).map(Duration::toMinutes))
                .containsExactly(5L, 10L, 20L, 40L, 60L, 60L, 60L, 60L);
    }

    @Test
    void shouldStayAtTheCapForVeryManyAttempts() {
        RetrySchedule schedule = new RetrySchedule(Duration.ofMinutes(5), Duration.ofMinutes(60));
        assertThat(schedule.delayAfter(500)).isEqualTo(Duration.ofMinutes(60));
    }
}
