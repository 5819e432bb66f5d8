package events.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Closed-loop publish load: {@code concurrency} threads, each on its own keep-alive connection, send one
 * structured CloudEvent (unique id) and wait for the answer before sending the next. Warms up, then measures
 * for a fixed duration, and stops by itself; with several concurrencies it measures each in turn in this one JVM
 * (so that its own JIT is warm after the first). Only 200 counts as success; anything else (other status, I/O
 * error, timeout) is an error.
 *
 * <p>Prints a human summary and one machine-readable line per run:
 * {@code RESULT label=<l> requests=<n> rps=<r> p50ms=<x> p99ms=<y> errors=<e>}.
 *
 * <p>Flags: {@code --url} (required; loopback only; several, comma-separated, for server nodes on one database:
 * worker {@code i} publishes to the {@code i}-th modulo their number), {@code --token}, {@code --concurrency} (32; or a list, as
 * {@code "16 32 64"}, measured in that order, each run labelled {@code <label>@<concurrency>}), {@code --warmup}
 * seconds before the first run (5), {@code --settle} at most this many seconds of warm-up before the first run,
 * ended as soon as the rate stops rising ({@link SteadyState}; replaces {@code --warmup}), {@code --rewarmup}
 * seconds before each later run (5), {@code --duration} seconds (15), {@code --label}.
 */
public final class LoadGenerator {
    private static final MediaType CLOUDEVENTS_JSON = MediaType.get("application/cloudevents+json");
    private static final int MAX_SECONDS = 600;
    private static final int MAX_CONCURRENCY = 1024;

    private final List<HttpUrl> httpUrls;
    private final String token;
    private final int concurrency;
    private final Duration duration;
    private final LongAdder completed = new LongAdder();
    /** Requests sent from this instant on are measured; until the warm-up ends, never. */
    private volatile long measureFrom = Long.MAX_VALUE;
    /** Workers stop sending at this instant; until the warm-up ends, never. */
    private volatile long measureUntil = Long.MAX_VALUE;

    LoadGenerator(List<URI> urls, String token, int concurrency, Duration duration) {
        this.httpUrls = urls.stream().map(u -> HttpUrl.get(u.toString())).toList();
        this.token = token;
        this.concurrency = concurrency;
        this.duration = duration;
    }

    /** How a run warms up: a fixed number of seconds, or until the rate settles (at most {@code seconds}). */
    record Warmup(int seconds, boolean untilSettled) {
        /** Waits out the warm-up while the workers run; {@code completed} counts what they have done so far. */
        void await(String label, String unit, java.util.function.LongSupplier completed) throws InterruptedException {
            if (untilSettled) {
                SteadyState.await(label, unit, completed, seconds, System.out);
            } else {
                TimeUnit.SECONDS.sleep(seconds);
            }
        }
    }

    /** What one run measured. */
    record Result(long requests, double seconds, long errors, long[] sortedLatencyNanos, String firstError) {
        double requestsPerSecond() {
            return requests / seconds;
        }

        double percentileMillis(double p) {
            if (sortedLatencyNanos.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100.0 * sortedLatencyNanos.length) - 1;
            return sortedLatencyNanos[Math.max(0, Math.min(rank, sortedLatencyNanos.length - 1))] / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        Flags flags = Flags.parse(args);
        List<URI> urls = new ArrayList<>();
        for (String u : flags.require("--url").split(",")) {
            URI url = URI.create(u.trim());
            requireLoopback(url);
            urls.add(url);
        }
        List<Integer> concurrencies = flags.intList("--concurrency", "32", 1, MAX_CONCURRENCY);
        Warmup warmup = flags.values().containsKey("--settle")
                ? new Warmup(flags.intValue("--settle", 0, 1, MAX_SECONDS), true)
                : new Warmup(flags.intValue("--warmup", 5, 0, MAX_SECONDS), false);
        Warmup rewarmup = new Warmup(flags.intValue("--rewarmup", 5, 0, MAX_SECONDS), false);
        int duration = flags.intValue("--duration", 15, 1, MAX_SECONDS);
        String label = flags.value("--label", urls.get(0).toString());
        String token = flags.value("--token", null);

        for (int concurrency : concurrencies) {
            String runLabel = concurrencies.size() == 1 ? label : label + "@" + concurrency;
            Result r = new LoadGenerator(urls, token, concurrency, Duration.ofSeconds(duration)).run(warmup, runLabel);
            System.out.printf(Locale.ROOT, "%s: %d ok in %.1f s = %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d errors%n",
                    runLabel, r.requests(), r.seconds(), r.requestsPerSecond(), r.percentileMillis(50),
                    r.percentileMillis(99), r.errors());
            if (r.firstError() != null) {
                System.out.println("first error: " + r.firstError());
            }
            System.out.printf(Locale.ROOT, "RESULT label=%s requests=%d rps=%.0f p50ms=%.2f p99ms=%.2f errors=%d%n",
                    runLabel.replace(' ', '_'), r.requests(), r.requestsPerSecond(), r.percentileMillis(50),
                    r.percentileMillis(99), r.errors());
            System.out.flush();
            warmup = rewarmup;
        }
    }

    static void requireLoopback(URI url) throws IOException {
        String host = url.getHost();
        if (host == null || !"http".equals(url.getScheme())) {
            throw new IllegalArgumentException("--url must be an http URL: " + url);
        }
        for (InetAddress address : InetAddress.getAllByName(host)) {
            if (!address.isLoopbackAddress()) {
                throw new IllegalArgumentException("refusing to load a non-loopback address: " + address);
            }
        }
    }

    Result run(Warmup warmup, String label) throws InterruptedException {
        OkHttpClient client = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(concurrency + 4, 1, TimeUnit.MINUTES))
                .followRedirects(false)
                .retryOnConnectionFailure(false)
                .connectTimeout(Duration.ofSeconds(5))
                .callTimeout(Duration.ofSeconds(10))
                .build();
        AtomicLong errors = new AtomicLong();
        ConcurrentHashMap<String, String> firstError = new ConcurrentHashMap<>();
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Worker w = new Worker(client, i, errors, firstError);
            workers.add(w);
            w.thread.start();
        }
        warmup.await(label, "req/s", completed::sum);
        long from = System.nanoTime();
        measureFrom = from;
        measureUntil = from + duration.toNanos();
        long deadline = measureUntil + TimeUnit.SECONDS.toNanos(15);
        for (Worker w : workers) {
            w.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (w.thread.isAlive()) {
                w.thread.interrupt();
            }
        }
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();

        long[] all = Latencies.sortedUnion(workers.stream().map(w -> w.latencies).toList());
        long total = all.length;
        return new Result(total, duration.toNanos() / 1e9, errors.get(), all, firstError.get("first"));
    }

    private final class Worker implements Runnable {
        final Thread thread;
        private final OkHttpClient client;
        private final AtomicLong errors;
        private final ConcurrentHashMap<String, String> firstError;
        final Latencies latencies = new Latencies();
        private long sequence;
        private final HttpUrl url;

        Worker(OkHttpClient client, int index, AtomicLong errors, ConcurrentHashMap<String, String> firstError) {
            this.client = client;
            this.url = httpUrls.get(index % httpUrls.size());
            this.errors = errors;
            this.firstError = firstError;
            this.thread = new Thread(this, "load-" + index);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            while (!Thread.currentThread().isInterrupted()) {
                long sent = System.nanoTime();
                if (sent >= measureUntil) {
                    return;
                }
                boolean ok = send();
                long took = System.nanoTime() - sent;
                if (ok) {
                    completed.increment();
                }
                if (sent < measureFrom) {
                    continue;
                }
                if (!ok) {
                    errors.incrementAndGet();
                    continue;
                }
                latencies.record(took);
            }
        }

        private boolean send() {
            Request.Builder request = new Request.Builder()
                    .url(url)
                    .post(RequestBody.create(body(randomUuid(), ++sequence), CLOUDEVENTS_JSON));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            try (Response response = client.newCall(request.build()).execute()) {
                String answer = response.body().string();
                if (response.code() == 200) {
                    return true;
                }
                firstError.putIfAbsent("first", "HTTP " + response.code() + " " + truncate(answer));
                return false;
            } catch (IOException | RuntimeException e) {
                firstError.putIfAbsent("first", e.toString());
                return false;
            }
        }
    }

    /** A version-4 UUID without {@code UUID.randomUUID()}'s shared SecureRandom (a lock all workers would contend on). */
    static String randomUuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
        return new UUID(msb, lsb).toString();
    }

    static String body(String id, long n) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"https://bench.example/src\","
                + "\"type\":\"bench.created\",\"subject\":\"/party/1337\",\"time\":\"2026-11-27T10:00:00Z\","
                + "\"resource\":\"urn:altinn:resource:bench\",\"datacontenttype\":\"application/json\","
                + "\"data\":{\"n\":" + n + "}}";
    }

    private static String truncate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
