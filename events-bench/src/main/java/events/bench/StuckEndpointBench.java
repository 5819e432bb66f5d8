package events.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory and isolation with an endpoint that never answers (issue "Delivery you can trust"): a subscription whose
 * endpoint accepts requests and never answers gets {@code --backlog} events of about {@code --size} bytes each, while
 * another subscription's endpoint answers at once. Samples the server's heap in use ({@code jcmd GC.heap_info}) and
 * its resident set ({@code /proc/PID/status}) every 200 ms from the first publish to the end, then publishes
 * {@code --probes} small events for the healthy endpoint, one every 100 ms, and prints the publish-ack to push
 * latency of each. Only ever talks to 127.0.0.1.
 *
 * <p>Arguments: {@code --base-url}, {@code --token} (publish and subscribe on urn:altinn:resource:bench-delivery),
 * {@code --server-pid}, {@code --backlog} (5000), {@code --size} (250000), {@code --probes} (50).
 */
public final class StuckEndpointBench {
    static final String RESOURCE = "urn:altinn:resource:bench-delivery";
    private static final Pattern ID = BenchApi.ID;
    private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    private final BenchApi api;

    private StuckEndpointBench(String baseUrl, String token) {
        this.api = new BenchApi(baseUrl, token);
    }

    public static void main(String[] args) throws Exception {
        Flags flags = Flags.parse(args);
        StuckEndpointBench bench = new StuckEndpointBench(flags.require("--base-url"), flags.require("--token"));
        bench.run(Long.parseLong(flags.require("--server-pid")), flags.intValue("--backlog", 5000, 1, 1_000_000),
                flags.intValue("--size", 250_000, 1, 10_000_000), flags.intValue("--probes", 50, 1, 10_000));
    }

    private void run(long pid, int backlog, int size, int probes) throws Exception {
        CountDownLatch released = new CountDownLatch(1);
        AtomicInteger stuckRequests = new AtomicInteger();
        HttpServer stuck = receiver(body -> {
            if (!body.contains("platform.events.validatesubscription")) {
                stuckRequests.incrementAndGet();
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Map<String, Long> arrived = new ConcurrentHashMap<>();
        HttpServer healthy = receiver(body -> {
            Matcher m = ID.matcher(body);
            if (m.find()) {
                arrived.put(m.group(1), System.nanoTime());
            }
        });
        Sampler sampler = new Sampler(pid);
        try {
            api.subscribe("http://127.0.0.1:" + stuck.getAddress().getPort() + "/stuck", RESOURCE,
                    ",\"typeFilter\":\"bench.stuck\"");
            api.subscribe("http://127.0.0.1:" + healthy.getAddress().getPort() + "/healthy", RESOURCE,
                    ",\"typeFilter\":\"bench.probe\"");
            sampler.start();
            String data = "\"" + "x".repeat(size) + "\"";
            ExecutorService publishers = Executors.newFixedThreadPool(8);
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < backlog; i++) {
                String id = "stuck-" + i;
                statuses.add(publishers.submit(() -> api.publish(event(id, "bench.stuck", data))));
            }
            int failed = 0;
            for (Future<Integer> s : statuses) {
                failed += s.get() == 200 ? 0 : 1;
            }
            publishers.shutdown();
            // once the first probe arrives, the dispatcher has passed the whole backlog
            awaitPush(arrived, "probe-sync", publishAt("probe-sync"));
            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < probes; i++) {
                String id = "probe-" + i;
                long acked = publishAt(id);
                latencies.add(awaitPush(arrived, id, acked) / 1000);
                Thread.sleep(100);
            }
            Thread.sleep(1000);
            sampler.stop();
            latencies.sort(null);
            System.out.printf("stuck endpoint: %d events of %d bytes published (%d refused), %d attempts in flight to"
                            + " it at the end%n", backlog, size, failed, stuckRequests.get());
            System.out.printf("server heap in use: max %.1f MiB, at the end %.1f MiB; resident set: max %.1f MiB,"
                            + " at the end %.1f MiB (%d samples)%n", sampler.maxHeapKb.get() / 1024.0,
                    sampler.lastHeapKb.get() / 1024.0, sampler.maxRssKb.get() / 1024.0,
                    sampler.lastRssKb.get() / 1024.0, sampler.samples.get());
            System.out.printf("healthy endpoint, publish-ack -> push of %d probes: p50 %.1f ms, p99 %.1f ms,"
                    + " max %.1f ms%n", latencies.size(), latencies.get(latencies.size() / 2) / 1000.0,
                    latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1) / 1000.0,
                    latencies.get(latencies.size() - 1) / 1000.0);
            System.out.printf("RESULT name=stuck_heap_max value=%.1f unit=MiB%n", sampler.maxHeapKb.get() / 1024.0);
            System.out.printf("RESULT name=stuck_rss_max value=%.1f unit=MiB%n", sampler.maxRssKb.get() / 1024.0);
            System.out.printf("RESULT name=stuck_probe_p99 value=%.1f unit=ms%n",
                    latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1) / 1000.0);
        } finally {
            sampler.stop();
            released.countDown();
            stuck.stop(0);
            healthy.stop(0);
        }
    }

    private long awaitPush(Map<String, Long> arrived, String id, long ackedNanos) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!arrived.containsKey(id)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(id + " was not pushed to the healthy endpoint within 5 minutes");
            }
            Thread.sleep(1);
        }
        return arrived.get(id) - ackedNanos;
    }

    /** Publishes a probe and returns when it was acknowledged. */
    private long publishAt(String id) throws IOException, InterruptedException {
        int status = api.publish(event(id, "bench.probe", "{\"n\":1}"));
        if (status != 200) {
            throw new IllegalStateException("probe " + id + " answered " + status);
        }
        return System.nanoTime();
    }

    private static String event(String id, String type, String data) {
        return """
                {"specversion":"1.0","id":"%s","source":"https://bench.example/stuck","type":"%s",\
                "resource":"%s","data":%s}""".formatted(id, type, RESOURCE, data);
    }

    private interface Handler {
        void handle(String body);
    }

    private static HttpServer receiver(Handler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stuck-bench-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> {
            try (exchange) {
                handler.handle(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
        return server;
    }

    /** Samples the server's heap in use and resident set. */
    private static final class Sampler {
        private final long pid;
        final AtomicLong maxHeapKb = new AtomicLong();
        final AtomicLong lastHeapKb = new AtomicLong();
        final AtomicLong maxRssKb = new AtomicLong();
        final AtomicLong lastRssKb = new AtomicLong();
        final AtomicInteger samples = new AtomicInteger();
        private volatile boolean running;
        private Thread thread;

        Sampler(long pid) {
            this.pid = pid;
        }

        void start() {
            running = true;
            thread = new Thread(() -> {
                while (running) {
                    sample();
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            if (thread != null) {
                thread.join();
            }
        }

        private void sample() {
            try {
                Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "GC.heap_info").redirectErrorStream(true)
                        .start();
                String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                jcmd.waitFor();
                Matcher heap = HEAP_USED.matcher(out);
                if (heap.find()) {
                    long kb = Long.parseLong(heap.group(1));
                    lastHeapKb.set(kb);
                    maxHeapKb.accumulateAndGet(kb, Math::max);
                }
                Matcher rss = RSS.matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
                if (rss.find()) {
                    long kb = Long.parseLong(rss.group(1));
                    lastRssKb.set(kb);
                    maxRssKb.accumulateAndGet(kb, Math::max);
                }
                samples.incrementAndGet();
            } catch (IOException | InterruptedException e) {
                // the server is gone: the run fails elsewhere
            }
        }
    }
}
