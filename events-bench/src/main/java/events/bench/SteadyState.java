package events.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Warm-up that lasts until a rate stops rising, instead of a fixed number of seconds. On 2 shared cores the
 * server's JIT keeps compiling for minutes under load (its C2 thread took a quarter of the server's CPU 100 s
 * after start, and publish throughput rose from 1 613 to 3 311 req/s over four minutes), so a fixed warm-up
 * measures the compiler as much as the server, and by a different amount on each run.
 *
 * <p>The rate is sampled every {@link #WINDOW_SECONDS} seconds. It has settled when the mean of the last
 * {@link #WINDOWS} windows is no more than {@link #TOLERANCE} above the mean of the {@link #WINDOWS} windows
 * before them: it has stopped rising (a noisy machine never gives windows within a few percent of each other,
 * so "stopped rising" is the test, not "stopped moving").
 */
final class SteadyState {
    static final int WINDOW_SECONDS = 10;
    static final int WINDOWS = 3;
    static final double TOLERANCE = 0.03;

    private SteadyState() {
    }

    /** Whether the rates, one per window in order, have stopped rising. */
    static boolean settled(List<Double> rates) {
        int n = rates.size();
        if (n < 2 * WINDOWS) {
            return false;
        }
        double recent = mean(rates.subList(n - WINDOWS, n));
        double before = mean(rates.subList(n - 2 * WINDOWS, n - WINDOWS));
        return recent <= before * (1 + TOLERANCE);
    }

    /**
     * Samples {@code completed} (a count that only grows) every window until the rate has settled or
     * {@code maxSeconds} (at least one window) have passed, printing each window's rate.
     */
    static void await(String label, String unit, LongSupplier completed, int maxSeconds, PrintStream out)
            throws InterruptedException {
        long start = System.nanoTime();
        int maxWindows = Math.max(1, maxSeconds / WINDOW_SECONDS);
        List<Double> rates = new ArrayList<>();
        long last = completed.getAsLong();
        long lastAt = start;
        while (!settled(rates)) {
            if (rates.size() == maxWindows) {
                out.printf(Locale.ROOT, "%s: warm-up: not settled after %d s, measuring anyway%n", label,
                        TimeUnit.NANOSECONDS.toSeconds(lastAt - start));
                break;
            }
            long next = lastAt + TimeUnit.SECONDS.toNanos(WINDOW_SECONDS);
            TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
            long now = System.nanoTime();
            long count = completed.getAsLong();
            rates.add((count - last) / ((now - lastAt) / 1e9));
            last = count;
            lastAt = now;
            out.printf(Locale.ROOT, "%s: warm-up %3d s: %.0f %s%n", label,
                    TimeUnit.NANOSECONDS.toSeconds(now - start), rates.get(rates.size() - 1), unit);
        }
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }
}
