package events.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Another tenant's hostile filter (issue "Delivery you can trust"): a subscriber's publish-ack to push latency while
 * events of another resource stream in, first with no subscription there, then with one whose CESQL filter is {@code
 * source LIKE '%%...%x'} ({@code --percents} of them) and so is evaluated on every one of those events, whose
 * sources are long and never end in x. Prints p50, p99 and max of each round. Only ever talks to 127.0.0.1.
 *
 * <p>Arguments: {@code --base-url}, {@code --token} (publish and subscribe on urn:altinn:resource:bench-delivery and
 * bench-fanout), {@code --probes} (100 per round), {@code --percents} (30), {@code --source-length} (2000).
 */
public final class HostileFilterBench {
    static final String PROBED = "urn:altinn:resource:bench-delivery";
    static final String HOSTILE = "urn:altinn:resource:bench-fanout";
    private static final Pattern ID = BenchApi.ID;

    private final BenchApi api;
    private final Map<String, Long> arrived = new ConcurrentHashMap<>();

    private HostileFilterBench(String baseUrl, String token) {
        this.api = new BenchApi(baseUrl, token);
    }

    public static void main(String[] args) throws Exception {
        Flags flags = Flags.parse(args);
        new HostileFilterBench(flags.require("--base-url"), flags.require("--token"))
                .run(flags.intValue("--probes", 100, 1, 100_000), flags.intValue("--percents", 30, 1, 1000),
                        flags.intValue("--source-length", 2000, 1, 100_000));
    }

    private void run(int probes, int percents, int sourceLength) throws Exception {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        receiver.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "hostile-bench-receiver");
            t.setDaemon(true); // the JVM ends when the run does
            return t;
        }));
        receiver.createContext("/", exchange -> {
            try (exchange) {
                Matcher m = ID.matcher(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                if (m.find()) {
                    arrived.put(m.group(1), System.nanoTime());
                }
                exchange.sendResponseHeaders(200, -1);
            }
        });
        receiver.start();
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort();
        try {
            api.subscribe(url + "/probe", PROBED, "");
            String source = "https://bench.example/" + "a".repeat(sourceLength);
            List<Long> without = round("without", probes, source);
            String like = "%".repeat(percents) + "x";
            api.subscribe(url + "/hostile", HOSTILE, ",\"filters\":[{\"sql\":\"source LIKE '" + like + "'\"}]");
            List<Long> with = round("with", probes, source);
            print("no subscription on the other resource", without);
            print("a subscription there filtering source LIKE '" + "%".repeat(Math.min(percents, 5)) + "...x' ("
                    + percents + " %)", with);
            System.out.printf("RESULT name=hostile_p99_without value=%.1f unit=ms%n", at(without, 0.99));
            System.out.printf("RESULT name=hostile_p99_with value=%.1f unit=ms%n", at(with, 0.99));
        } finally {
            receiver.stop(0);
        }
    }

    /** Probes while another thread publishes events of the other resource, about 200 a second. */
    private List<Long> round(String name, int probes, String source) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger streamed = new AtomicInteger();
        Thread stream = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
                try {
                    api.publish(event(name + "-other-" + i, HOSTILE, source));
                    streamed.incrementAndGet();
                    Thread.sleep(5);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }, "other-resource");
        stream.start();
        List<Long> latencies = new ArrayList<>();
        try {
            for (int i = 0; i < probes; i++) {
                String id = name + "-probe-" + i;
                if (api.publish(event(id, PROBED, "https://bench.example/probe")) != 200) {
                    throw new IllegalStateException("probe " + id + " was refused");
                }
                long acked = System.nanoTime();
                long deadline = acked + Duration.ofMinutes(2).toNanos();
                while (!arrived.containsKey(id)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(id + " was not pushed within 2 minutes");
                    }
                    Thread.sleep(1);
                }
                latencies.add((arrived.get(id) - acked) / 1000);
                Thread.sleep(50);
            }
        } finally {
            stop.set(true);
            stream.join();
        }
        System.out.printf("round %s: %d probes, %d events of the other resource meanwhile%n", name, probes,
                streamed.get());
        latencies.sort(null);
        return latencies;
    }

    private static void print(String round, List<Long> latencies) {
        System.out.printf("%s: publish-ack -> push p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", round,
                at(latencies, 0.5), at(latencies, 0.99), latencies.get(latencies.size() - 1) / 1000.0);
    }

    private static double at(List<Long> sorted, double quantile) {
        return sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * quantile) - 1)) / 1000.0;
    }

    private static String event(String id, String resource, String source) {
        return """
                {"specversion":"1.0","id":"%s","source":"%s","type":"bench.hostile","resource":"%s","data":{"n":1}}"""
                .formatted(id, source, resource);
    }
}
