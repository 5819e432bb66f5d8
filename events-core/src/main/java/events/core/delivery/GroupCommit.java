package events.core.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes items in groups on a thread of its own: each group holds what arrived while the previous one was being
 * written, plus what arrives within {@code linger} of its first item, up to {@code maxGroup}. Under a light load
 * that is one transaction per linger instead of one per item. A write that throws loses its group (the writer
 * says what that means) and the next goes on. {@link #close} writes what is left, then stops.
 */
final class GroupCommit<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    private final BlockingQueue<T> queue = new LinkedBlockingQueue<>();
    private final Consumer<List<T>> write;
    private final long lingerNanos;
    private final int maxGroup;
    private final Thread thread;
    private volatile boolean open = true;

    GroupCommit(String name, Duration linger, int maxGroup, Consumer<List<T>> write) {
        this.write = write;
        this.lingerNanos = linger.toNanos();
        this.maxGroup = maxGroup;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    void add(T item) {
        queue.add(item);
    }

    private void run() {
        List<T> group = new ArrayList<>();
        while (open || !queue.isEmpty()) {
            try {
                T first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                gather(group);
            } catch (InterruptedException e) {
                queue.drainTo(group);
            }
            try {
                if (!group.isEmpty()) {
                    write.accept(group);
                }
            } catch (RuntimeException | Error e) {
                LOG.error("{}: writing a group of {} failed: {}", thread.getName(), group.size(), e.toString());
            } finally {
                group.clear();
            }
        }
    }

    private void gather(List<T> group) throws InterruptedException {
        long until = System.nanoTime() + lingerNanos;
        queue.drainTo(group, maxGroup - group.size());
        while (group.size() < maxGroup && open) {
            long left = until - System.nanoTime();
            T next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                return;
            }
            group.add(next);
            queue.drainTo(group, maxGroup - group.size());
        }
    }

    /** Writes what was added before this call, waiting at most {@code wait} for it, then stops the thread. */
    void close(Duration wait) {
        open = false;
        try {
            thread.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
