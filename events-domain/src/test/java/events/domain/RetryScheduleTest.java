package events.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    private static final RetrySchedule NO_JITTER = new RetrySchedule(RetrySchedule.ALTINN.delays(), 0);

    @Test
    void altinnsScheduleIsTwelveAttemptsThenDeadLetter() {
        List<Duration> waits = new ArrayList<>();
        for (int attempt = 1; attempt < 12; attempt++) {
            waits.add(NO_JITTER.delayAfter(attempt, null, () -> 0.5).orElseThrow());
        }

        assertThat(RetrySchedule.ALTINN.maxAttempts()).isEqualTo(12);
        assertThat(waits).extracting(Duration::toString).containsExactly(
                "PT10S", "PT30S", "PT1M", "PT5M", "PT10M", "PT30M", "PT1H", "PT3H", "PT6H", "PT12H", "PT12H");
        assertThat(NO_JITTER.delayAfter(12, null, () -> 0.5)).isEmpty();
    }

    @Test
    void jitterStaysWithinItsShareOfTheDelayAndSpreadsTheWaits() {
        Random random = new Random(7);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 10_000; i++) {
            long wait = RetrySchedule.ALTINN.delayAfter(1, null, random::nextDouble).orElseThrow().toMillis();
            min = Math.min(min, wait);
            max = Math.max(max, wait);
        }

        assertThat(min).isGreaterThanOrEqualTo(9_000).isLessThan(9_100);
        assertThat(max).isLessThanOrEqualTo(11_000).isGreaterThan(10_900);
    }

    @Test
    void honoursALongerRetryAfterButNeverBeyondADay() {
        assertThat(NO_JITTER.delayAfter(1, Duration.ofMinutes(2), () -> 0.5)).contains(Duration.ofMinutes(2));
        assertThat(NO_JITTER.delayAfter(1, Duration.ofSeconds(1), () -> 0.5)).contains(Duration.ofSeconds(10));
        assertThat(NO_JITTER.delayAfter(1, Duration.ofDays(9), () -> 0.5)).contains(Duration.ofHours(24));
        assertThat(NO_JITTER.delayAfter(11, Duration.ofMinutes(2), () -> 0.5)).contains(Duration.ofHours(12));
        assertThat(NO_JITTER.delayAfter(12, Duration.ofMinutes(2), () -> 0.5)).isEmpty();
    }

    @Test
    void refusesSchedulesThatCannotWork() {
        assertThatThrownBy(() -> new RetrySchedule(List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetrySchedule(List.of(Duration.ZERO), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetrySchedule(List.of(Duration.ofSeconds(-1)), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetrySchedule(List.of(Duration.ofSeconds(1)), 0.6))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetrySchedule(List.of(Duration.ofSeconds(1)), Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NO_JITTER.delayAfter(0, null, () -> 0.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
