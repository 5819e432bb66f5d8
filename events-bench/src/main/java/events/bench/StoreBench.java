package events.bench;

import events.adapters.jdbc.JdbcStores;
import events.domain.CloudEvent;
import events.ports.EventStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The event store alone: closed-loop appenders in one JVM call the JDBC event store's {@code append} (one event
 * each, as one publish request does) with no HTTP, authentication or load generator in between. Against the
 * ingest benchmark's bare route and servers it shows what storage costs by itself, and what the store's single
 * writer thread spends per event, which bounds what any server in front of it can reach on the same cores.
 *
 * <p>Each run prints a human summary and the line the ingest script reads,
 * {@code RESULT label=<l> requests=<n> rps=<r> p50ms=<x> p99ms=<y> errors=<e>} (one append = one request), then
 * {@code STORE label=<l> writer_us=<w> process_us=<p> postgres_us=<g>}: CPU per event of the writer thread, of
 * this JVM, and, for a store on PostgreSQL, of the processes named {@code postgres} on this machine (read from
 * {@code /proc}; 0 without it; n/a on H2).
 *
 * <p>Flags: {@code --h2} directory (a fresh embedded database there) or {@code --url} JDBC URL with {@code --user}
 * and {@code --password}; {@code --concurrency} (64; or a list, as {@code "64 128"}, measured in that order),
 * {@code --settle} at most this many seconds of warm-up before the first run, ended when the rate stops rising
 * (120), {@code --rewarmup} seconds before each later run (5), {@code --duration} seconds (15), {@code --label}.
 */
public final class StoreBench {
    private static final int MAX_SECONDS = 600;
    private static final int MAX_CONCURRENCY = 1024;
    private static final String WRITER_THREAD = "events-jdbc-writer";

    private final EventStore store;
    /** Whether the store is on PostgreSQL, whose processes' CPU the runs then report. */
    private final boolean postgres;
    private final LongAdder completed = new LongAdder();
    private volatile long measureFrom = Long.MAX_VALUE;
    private volatile long measureUntil = Long.MAX_VALUE;

    StoreBench(EventStore store, boolean postgres) {
        this.store = store;
        this.postgres = postgres;
    }

    public static void main(String[] args) throws Exception {
        Flags flags = Flags.parse(args);
        List<Integer> concurrencies = flags.intList("--concurrency", "64", 1, MAX_CONCURRENCY);
        int settle = flags.intValue("--settle", 120, 1, MAX_SECONDS);
        int rewarmup = flags.intValue("--rewarmup", 5, 0, MAX_SECONDS);
        int duration = flags.intValue("--duration", 15, 1, MAX_SECONDS);
        String label = flags.value("--label", "store");
        LoadGenerator.Warmup warmup = new LoadGenerator.Warmup(settle, true);
        try (JdbcStores stores = open(flags)) {
            StoreBench bench = new StoreBench(stores.eventStore(),
                    flags.value("--url", "").startsWith("jdbc:postgresql:"));
            for (int concurrency : concurrencies) {
                String runLabel = concurrencies.size() == 1 ? label : label + "@" + concurrency;
                print(bench.run(concurrency, warmup, duration, runLabel), runLabel);
                warmup = new LoadGenerator.Warmup(rewarmup, false);
            }
        }
    }

    private static JdbcStores open(Flags flags) throws IOException {
        String h2 = flags.value("--h2", null);
        String url = flags.value("--url", null);
        if ((h2 == null) == (url == null)) {
            throw new IllegalArgumentException("give either --h2 DIRECTORY or --url JDBC_URL");
        }
        if (h2 != null) {
            Path dir = Path.of(h2);
            if (Files.exists(dir)) {
                try (java.util.stream.Stream<Path> entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException("--h2 must name a new or empty directory: " + dir);
                    }
                }
            }
            return JdbcStores.h2(dir);
        }
        return JdbcStores.open(url, flags.value("--user", null), flags.value("--password", null));
    }

    /**
     * What one run measured: its appends as a load generator's requests, and CPU per event in microseconds
     * (PostgreSQL's NaN when the store is not on PostgreSQL).
     */
    record Run(LoadGenerator.Result result, double writerMicros, double processMicros, double postgresMicros) {
    }

    /** One run: {@code concurrency} appenders, the warm-up, then {@code duration} seconds measured. */
    Run run(int concurrency, LoadGenerator.Warmup warmup, int duration, String label) throws InterruptedException {
        measureFrom = Long.MAX_VALUE;
        measureUntil = Long.MAX_VALUE;
        List<Appender> appenders = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Appender a = new Appender(i);
            appenders.add(a);
            a.thread.start();
        }
        warmup.await(label, "events/s", completed::sum);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long writer = writerThreadId();
        long writerCpu = threads.getThreadCpuTime(writer);
        long processCpu = processCpuNanos();
        long postgresCpu = postgres ? CpuOfProcesses.named("postgres") : 0;
        long from = System.nanoTime();
        measureFrom = from;
        measureUntil = from + TimeUnit.SECONDS.toNanos(duration);
        for (Appender a : appenders) {
            a.thread.join();
        }
        long writerUsed = threads.getThreadCpuTime(writer) - writerCpu;
        long processUsed = processCpuNanos() - processCpu;
        long postgresUsed = postgres ? CpuOfProcesses.named("postgres") - postgresCpu : 0;

        long[] all = Latencies.sortedUnion(appenders.stream().map(a -> a.latencies).toList());
        long total = all.length;
        long errors = appenders.stream().mapToLong(a -> a.errors).sum();
        double perEvent = total == 0 ? Double.NaN : 1e-3 / total;
        return new Run(new LoadGenerator.Result(total, duration, errors, all, null), writerUsed * perEvent,
                processUsed * perEvent, postgres ? postgresUsed * perEvent : Double.NaN);
    }

    private static String micros(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.1f", value);
    }

    private static void print(Run run, String label) {
        LoadGenerator.Result r = run.result();
        System.out.printf(Locale.ROOT, "%s: %d appends in %.1f s = %.0f events/s, p50 %.2f ms, p99 %.2f ms, %d errors;"
                        + " CPU per event: writer thread %.1f us, this JVM %.1f us, postgres %s us%n",
                label, r.requests(), r.seconds(), r.requestsPerSecond(), r.percentileMillis(50), r.percentileMillis(99),
                r.errors(), run.writerMicros(), run.processMicros(), micros(run.postgresMicros()));
        System.out.printf(Locale.ROOT, "RESULT label=%s requests=%d rps=%.0f p50ms=%.2f p99ms=%.2f errors=%d%n",
                label, r.requests(), r.requestsPerSecond(), r.percentileMillis(50), r.percentileMillis(99), r.errors());
        System.out.printf(Locale.ROOT, "STORE label=%s writer_us=%.1f process_us=%.1f postgres_us=%s%n",
                label, run.writerMicros(), run.processMicros(), micros(run.postgresMicros()));
        System.out.flush();
    }

    /** The writer thread of the one JDBC event store open in this JVM. */
    private static long writerThreadId() {
        List<Thread> writers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(WRITER_THREAD)).toList();
        if (writers.size() != 1) {
            throw new IllegalStateException(writers.size() + " threads named " + WRITER_THREAD
                    + ": StoreBench measures the one JDBC event store open in its JVM");
        }
        return writers.get(0).getId();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private final class Appender implements Runnable {
        final Thread thread;
        final Latencies latencies = new Latencies();
        long errors;

        Appender(int index) {
            this.thread = new Thread(this, "append-" + index);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            long n = 0;
            while (true) {
                long sent = System.nanoTime();
                if (sent >= measureUntil) {
                    return;
                }
                // the event the load generator publishes (LoadGenerator.body), as the server parses it
                CloudEvent event = CloudEvent.builder()
                        .id(LoadGenerator.randomUuid())
                        .source("https://bench.example/src")
                        .type("bench.created")
                        .subject("/party/1337")
                        .time("2026-11-27T10:00:00Z")
                        .resource("urn:altinn:resource:bench")
                        .dataContentType("application/json")
                        .jsonData("{\"n\":" + ++n + "}")
                        .build();
                boolean ok;
                try {
                    ok = store.append(List.of(event)).size() == 1;
                } catch (RuntimeException e) {
                    ok = false;
                }
                long took = System.nanoTime() - sent;
                completed.increment();
                if (sent < measureFrom) {
                    continue;
                }
                if (!ok) {
                    errors++;
                    continue;
                }
                latencies.record(took);
            }
        }
    }
}
