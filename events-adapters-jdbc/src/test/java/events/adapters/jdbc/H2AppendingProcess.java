package events.adapters.jdbc;

import events.domain.StoredEvent;
import events.ports.EventStore;
import events.testkit.TestEvents;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Child JVM of {@link H2DurabilityTest}: appends events through {@link JdbcStores#open} with several threads
 * until killed, printing {@code ACK <id>} as soon as each append has returned.
 *
 * <p>Arguments: JDBC URL, number of threads.
 */
public final class H2AppendingProcess {
    private H2AppendingProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        String url = args[0];
        int threads = Integer.parseInt(args[1]);
        PrintStream out = System.out;
        JdbcStores stores = JdbcStores.open(url, "sa", "");
        EventStore store = stores.eventStore();
        AtomicInteger counter = new AtomicInteger();
        out.println("READY");
        out.flush();
        Thread[] writers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            writers[t] = new Thread(() -> {
                while (true) {
                    String id = "e-" + counter.incrementAndGet();
                    List<StoredEvent> stored = store.append(List.of(TestEvents.anEvent().id(id).build()));
                    synchronized (out) {
                        out.println("ACK " + stored.get(0).event().id());
                        out.flush();
                    }
                }
            });
            writers[t].start();
        }
        for (Thread w : writers) {
            w.join();
        }
    }
}
