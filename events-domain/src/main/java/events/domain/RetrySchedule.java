package events.domain;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When a failed delivery is tried again: after the n-th failed attempt, wait the n-th delay (give or take the
 * jitter, so that many deliveries that failed together do not all come back at the same instant); after the
 * last delay's attempt fails too, the delivery is dead-lettered. A {@code Retry-After} from the endpoint (429,
 * 503) is honoured: the wait is at least that, up to {@link #MAX_RETRY_AFTER}.
 *
 * @param delays the waits between attempts; {@code delays.size() + 1} attempts in all
 * @param jitter the largest share of a delay added or taken away at random, from 0 to 0.5
 */
public record RetrySchedule(List<Duration> delays, double jitter) {
    /** Altinn's schedule: 12 attempts over about 35 hours. */
    public static final RetrySchedule ALTINN = new RetrySchedule(List.of(Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(10),
            Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(3), Duration.ofHours(6),
            Duration.ofHours(12), Duration.ofHours(12)), 0.1);
    /** The longest {@code Retry-After} honoured: an endpoint cannot park a delivery for longer. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);
    private static final int MAX_DELAYS = 100;

    public RetrySchedule {
        if (delays == null || delays.isEmpty() || delays.size() > MAX_DELAYS) {
            throw new IllegalArgumentException("a retry schedule has 1 to " + MAX_DELAYS + " delays");
        }
        for (Duration d : delays) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("every delay of a retry schedule must be positive");
            }
        }
        if (!(jitter >= 0 && jitter <= 0.5)) {
            throw new IllegalArgumentException("jitter must be from 0 to 0.5");
        }
        delays = List.copyOf(delays);
    }

    /** Attempts in all, the first included. */
    public int maxAttempts() {
        return delays.size() + 1;
    }

    /**
     * How long to wait after attempt number {@code failedAttempt} (1 for the first) failed; empty when that was
     * the last attempt (dead-letter it).
     *
     * @param retryAfter what the endpoint asked for, or null
     * @param random a source of numbers in [0, 1)
     */
    public Optional<Duration> delayAfter(int failedAttempt, Duration retryAfter, DoubleSupplier random) {
        if (failedAttempt < 1) {
            throw new IllegalArgumentException("attempts count from 1");
        }
        if (failedAttempt > delays.size()) {
            return Optional.empty();
        }
        Duration base = delays.get(failedAttempt - 1);
        long millis = base.toMillis();
        long spread = Math.round(millis * jitter * (2 * random.getAsDouble() - 1));
        Duration wait = Duration.ofMillis(Math.max(1, millis + spread));
        if (retryAfter != null && !retryAfter.isNegative()) {
            Duration asked = retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
            if (asked.compareTo(wait) > 0) {
                wait = asked;
            }
        }
        return Optional.of(wait);
    }
}
