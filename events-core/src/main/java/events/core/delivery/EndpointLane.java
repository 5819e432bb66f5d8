package events.core.delivery;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The deliveries to one endpoint: at most {@code maxConcurrent} in flight, the rest queued in order. A slow
 * endpoint fills its own lane and no other. Not thread-safe: its owner calls it under a lock.
 */
final class EndpointLane<T> {
    private final int maxConcurrent;
    private final Consumer<T> start;
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private int active;

    EndpointLane(int maxConcurrent, Consumer<T> start) {
        this.maxConcurrent = maxConcurrent;
        this.start = start;
    }

    /** Starts the job now when the lane has room, else queues it. */
    void submit(T job) {
        if (active >= maxConcurrent) {
            queue.add(job);
            return;
        }
        active++;
        start.accept(job);
    }

    /** A started job finished: starts the next queued one, if any. Returns whether the lane is idle now. */
    boolean done() {
        T next = queue.poll();
        if (next == null) {
            active--;
            return active == 0;
        }
        start.accept(next);
        return false;
    }
}
