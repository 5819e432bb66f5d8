package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import events.domain.CloudEvent;
import events.domain.EventFilter;
import events.ports.EventStore;
import events.testkit.EventStoreContract;
import events.testkit.TestEvents;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measurements, not part of the normal build: {@code mvn -pl events-adapters-jdbc test -Dtest=StoreTimingTest
 * -Devents.timing=true}. Prints append throughput (16 threads, one event per append) and the time to read a
 * page of 100 from 1,000,000 stored events, on H2 and PostgreSQL.
 */
@EnabledIfSystemProperty(named = "events.timing", matches = "true")
class StoreTimingTest {
    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    @TempDir
    Path directory;

    @Test
    void measuresH2() throws Exception {
        try (JdbcStores stores = JdbcStores.h2(directory)) {
            measure("H2", stores.eventStore());
        }
    }

    @Test
    void measuresPostgres() throws Exception {
        try (PostgresDatabase.Schema schema = POSTGRES.newSchema();
                JdbcStores stores = JdbcStores.open(schema.jdbcUrl(), schema.user(), schema.password())) {
            measure("PostgreSQL", stores.eventStore());
        }
    }

    private static void measure(String name, EventStore store) throws Exception {
        int threads = 16;
        long seconds = 5;
        AtomicLong appended = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            running.add(pool.submit(() -> {
                while (System.nanoTime() < deadline) {
                    store.append(List.of(TestEvents.anEvent().build()));
                    appended.incrementAndGet();
                }
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        System.err.printf("TIMING %s: %d single-event appends/s with %d threads%n", name,
                appended.get() / seconds, threads);

        long start = System.nanoTime();
        int total = 1_000_000;
        int batch = 1000;
        running.clear();
        AtomicLong loaded = new AtomicLong(appended.get());
        for (int t = 0; t < 4; t++) {
            running.add(pool.submit(() -> {
                while (loaded.get() < total) {
                    List<CloudEvent> events = new ArrayList<>(batch);
                    for (int i = 0; i < batch; i++) {
                        events.add(TestEvents.anEvent().subject("/party/" + (i % 500)).build());
                    }
                    loaded.addAndGet(store.append(events).size());
                }
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
        long loadMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.err.printf("TIMING %s: loaded to %d events in %d ms (%d events/s in batches of %d)%n", name,
                loaded.get(), loadMs, (loaded.get() - appended.get()) * 1000 / Math.max(1, loadMs), batch);

        Random random = new Random(1);
        long[] micros = new long[300];
        for (int i = 0; i < micros.length; i++) {
            long after = (long) (random.nextDouble() * (loaded.get() - 200));
            long t0 = System.nanoTime();
            int size = EventStoreContract.read(store, EventFilter.of(TestEvents.RESOURCE), after, 100).events().size();
            micros[i] = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);
            assertThat(size).isEqualTo(100);
        }
        Arrays.sort(micros);
        System.err.printf("TIMING %s: page of 100 from %d events: median %d us, p99 %d us, max %d us%n", name,
                loaded.get(), micros[micros.length / 2], micros[micros.length * 99 / 100], micros[micros.length - 1]);
    }
}
