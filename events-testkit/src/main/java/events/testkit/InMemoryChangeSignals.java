package events.testkit;

import events.ports.ChangeSignals;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@link ChangeSignals} between engines in one JVM that stand for separate processes (tests of several nodes on
 * shared in-memory stores). Every {@link #node()} hears what the others announce, each on its own thread,
 * never its own announcements.
 */
public final class InMemoryChangeSignals {
    private final List<Node> nodes = new CopyOnWriteArrayList<>();

    /** Joins a new process to this network. */
    public ChangeSignals node() {
        Node node = new Node();
        nodes.add(node);
        return node;
    }

    private final class Node implements ChangeSignals {
        private final Map<Change, List<Runnable>> listeners = new ConcurrentHashMap<>();
        private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "in-memory-signals");
            t.setDaemon(true);
            return t;
        });

        @Override
        public void announce(Change change) {
            for (Node other : nodes) {
                if (other != this) {
                    other.deliver(change);
                }
            }
        }

        private void deliver(Change change) {
            try {
                thread.execute(() -> listeners.getOrDefault(change, List.of()).forEach(Runnable::run));
            } catch (RejectedExecutionException e) {
                // closed
            }
        }

        @Override
        public void listen(Change change, Runnable listener) {
            listeners.computeIfAbsent(change, c -> new CopyOnWriteArrayList<>()).add(listener);
        }

        @Override
        public void close() {
            nodes.remove(this);
            thread.shutdownNow();
        }
    }
}
