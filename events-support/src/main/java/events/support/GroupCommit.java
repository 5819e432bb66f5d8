package events.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes items in groups on a thread of its own. A group takes the first item waiting and what is queued behind it
 * while it fits the {@linkplain Builder#limit limits}: the first item that does not fit starts the next group, and an
 * item too big for any group is a group alone. A group may {@linkplain Builder#linger linger} for more items to join.
 * A write that throws loses its group (it is logged) and the next goes on. {@link #close} stops taking items.
 */
public final class GroupCommit<T> {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    /** Queued by {@link #close} behind the last item: the writer stops when it takes it. */
    private static final Object STOP = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Consumer<List<T>> write;
    private final List<Weight<T>> limits;
    private final long lingerNanos;
    /** How much a group must weigh to stop lingering; null: groups never linger. */
    private final Weight<T> lingerUntil;
    private final boolean lingerOnlyAfterSeveral;
    /** Takes what {@link #close} leaves unwritten; null: the writer goes on writing it. */
    private final Consumer<List<T>> reject;
    private final Thread thread;
    private volatile boolean closed;

    private record Weight<T>(ToLongFunction<T> of, long max) {
    }

    private GroupCommit(Builder<T> b) {
        this.write = b.write;
        this.limits = List.copyOf(b.limits);
        this.lingerNanos = b.lingerNanos;
        this.lingerUntil = b.lingerUntil;
        this.lingerOnlyAfterSeveral = b.lingerOnlyAfterSeveral;
        this.reject = b.reject;
        this.thread = new Thread(this::run, b.threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** A group commit whose thread is named {@code threadName} and which passes each group to {@code write}. */
    public static <T> Builder<T> builder(String threadName, Consumer<List<T>> write) {
        return new Builder<>(threadName, write);
    }

    /** Queues {@code item} for the writer. Returns false, and queues nothing, once {@link #close} was called. */
    public boolean add(T item) {
        Objects.requireNonNull(item, "item");
        if (closed) {
            return false;
        }
        queue.add(item);
        // If close came in between and nobody took the item, it is taken back: everything added is either
        // written or rejected.
        return !closed || !queue.removeIf(queued -> queued == item);
    }

    /**
     * Stops taking items and waits up to {@code wait} for the writer to write those added before, in groups as
     * usual (without lingering). If it has not by then, what it has not taken yet goes to the reject callback, if
     * there is one (on this thread; the writer then stops once it has written what it took), else the writer goes on
     * in the background. Returns whether the writer has stopped.
     */
    public synchronized boolean close(Duration wait) {
        if (!closed) {
            closed = true;
            queue.add(STOP);
        }
        try {
            TimeUnit.NANOSECONDS.timedJoin(thread, wait.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive() && reject != null) {
            List<Object> left = new ArrayList<>();
            queue.drainTo(left);
            if (left.remove(STOP)) {
                queue.add(STOP);
            }
            if (!left.isEmpty()) {
                reject.accept(cast(left));
            }
        }
        return !thread.isAlive();
    }

    private void run() {
        Object carried = null; // taken from the queue but not fitting the group before: it starts the next
        int lastGroupSize = 0;
        while (true) {
            Object first = carried != null ? carried : take();
            if (first == STOP) {
                return;
            }
            List<T> group = new ArrayList<>();
            boolean linger = lingerUntil != null && (!lingerOnlyAfterSeveral || lastGroupSize > 1);
            carried = gather(first, group, linger);
            lastGroupSize = group.size();
            try {
                write.accept(group);
            } catch (RuntimeException | Error e) {
                LOG.error("{}: writing a group of {} failed: {}", thread.getName(), group.size(), e.toString());
            }
        }
    }

    /**
     * Fills {@code group} with {@code first} and what is queued behind it while it fits, waiting for more while
     * {@code linger} allows. Returns what was taken but did not fit (the next group's first, or STOP), else null.
     */
    private Object gather(Object first, List<T> group, boolean linger) {
        long lingerEnd = System.nanoTime() + lingerNanos;
        long[] weights = new long[limits.size()];
        long lingerWeight = 0;
        Object next = first;
        while (next != null) {
            if (next == STOP || !group.isEmpty() && !fits(cast(next), weights)) {
                return next;
            }
            T item = cast(next);
            group.add(item);
            for (int i = 0; i < limits.size(); i++) {
                weights[i] += limits.get(i).of().applyAsLong(item);
            }
            if (linger) {
                lingerWeight += lingerUntil.of().applyAsLong(item);
            }
            next = queue.poll();
            if (next == null && linger && lingerWeight < lingerUntil.max()) {
                next = poll(lingerEnd - System.nanoTime());
            }
        }
        return null;
    }

    private boolean fits(T item, long[] weights) {
        for (int i = 0; i < limits.size(); i++) {
            if (weights[i] + limits.get(i).of().applyAsLong(item) > limits.get(i).max()) {
                return false;
            }
        }
        return true;
    }

    // The thread is this object's own and nothing interrupts it; should a write leave its interrupt flag set, the
    // wait it cuts short ends a linger early or is waited again.

    private Object take() {
        while (true) {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                // waited again
            }
        }
    }

    private Object poll(long nanos) {
        try {
            return nanos > 0 ? queue.poll(nanos, TimeUnit.NANOSECONDS) : null;
        } catch (InterruptedException e) {
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private static <R> R cast(Object o) {
        return (R) o;
    }

    /** How a {@link GroupCommit} groups its items and what its {@link #close} does with those left. */
    public static final class Builder<T> {
        private final String threadName;
        private final Consumer<List<T>> write;
        private final List<Weight<T>> limits = new ArrayList<>();
        private long lingerNanos;
        private Weight<T> lingerUntil;
        private boolean lingerOnlyAfterSeveral;
        private Consumer<List<T>> reject;

        private Builder(String threadName, Consumer<List<T>> write) {
            this.threadName = Objects.requireNonNull(threadName, "threadName");
            this.write = Objects.requireNonNull(write, "write");
        }

        /** A group holds items while their {@code weight} adds up to at most {@code max} (one limit of several). */
        public Builder<T> limit(ToLongFunction<T> weight, long max) {
            limits.add(new Weight<>(Objects.requireNonNull(weight, "weight"), max));
            return this;
        }

        /**
         * When nothing more is queued, a group waits up to {@code time} from taking its first item for more to join,
         * until their {@code weight} adds up to {@code until}. By default a group is written at once.
         */
        public Builder<T> linger(Duration time, ToLongFunction<T> weight, long until) {
            this.lingerNanos = time.toNanos();
            this.lingerUntil = new Weight<>(Objects.requireNonNull(weight, "weight"), until);
            return this;
        }

        /** A group lingers only if the one before held more than one item: a lone caller never waits. */
        public Builder<T> lingerOnlyAfterSeveral() {
            this.lingerOnlyAfterSeveral = true;
            return this;
        }

        /**
         * What {@link GroupCommit#close} has not seen written within its wait goes to {@code reject} instead of
         * being written later.
         */
        public Builder<T> rejectOnClose(Consumer<List<T>> reject) {
            this.reject = Objects.requireNonNull(reject, "reject");
            return this;
        }

        /** Starts the writer thread. */
        public GroupCommit<T> start() {
            return new GroupCommit<>(this);
        }
    }
}
