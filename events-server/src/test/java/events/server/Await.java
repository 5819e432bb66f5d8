package events.server;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition that another process or thread brings about. */
final class Await {
    private Await() {
    }

    /** Until {@code condition} holds, polling every 50 ms; fails naming {@code what} after {@code within}. */
    static void until(BooleanSupplier condition, Duration within, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            Thread.sleep(50);
        }
    }
}
