package events.bench;

import events.domain.WebhookSecret;
import events.domain.WebhookSignature;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Push delivery through a running server (bench/delivery.sh starts it with bench/delivery-policies,
 * {@code EVENTS_WEBHOOK_ALLOW_HTTP} and {@code EVENTS_WEBHOOK_ALLOW_PRIVATE}) to a {@link WebhookSink} in this
 * process, in four phases, one after another:
 * <ol>
 *   <li><b>throughput</b>: {@code --subscriptions} (1) subscriptions of org ttd on {@value #DELIVERY_RESOURCE},
 *       pushing to {@code /d/0}, {@code /d/1}, ... of the sink (the engine sends at most
 *       {@value #ENGINE_LANE} requests at a time per endpoint URL). {@code --concurrency} closed-loop publishers
 *       (one event per request, as {@link LoadGenerator}) warm up ({@code --warmup} seconds, or with
 *       {@code --settle} until the delivery rate stops rising), then run for {@code --duration} seconds, held
 *       back while more than {@code --max-backlog} (2000) pushes are outstanding (acknowledged events times
 *       subscriptions, minus pushes received), so that the measured rate is what the server sustains
 *       end to end, publishing and pushing, rather than a queue growing inside it; deliveries/s is the pushes the
 *       sink received during the measured seconds, divided by them. Then publishing stops and the backlog is
 *       timed until it is drained;</li>
 *   <li><b>ceiling</b>: a bare OkHttp client in this process POSTs the first push the sink received in phase 1
 *       (same body, same headers: content type, user agent, a fresh {@code webhook-id} of the same form, the
 *       current {@code webhook-timestamp}, a {@code webhook-signature} computed the same way) straight to the
 *       same sink paths, closed-loop with {@value #ENGINE_LANE} threads per subscription, for {@code --duration}
 *       seconds after {@code --ceiling-warmup}, while the server idles;</li>
 *   <li><b>latency</b>: open-loop publishing at half the peak event rate of phase 1 (deliveries/s divided by the
 *       subscriptions; {@code --rate} overrides) for {@code --latency-warmup} + {@code --latency-duration}
 *       seconds, over at most {@code --latency-connections} (64) connections: a publish whose time has come
 *       while all of them are busy waits in the client's queue (as in wrk2; the client does not open a
 *       connection per late request, which turned a short stall into thousands of connections), and its round
 *       trip counts from the time it was due. For every event sent in the measured part, each push's latency
 *       is the sink's {@code nanoTime} at receipt minus the {@code nanoTime} when the publisher got the 200
 *       (0 when the push came first);</li>
 *   <li><b>fan-out</b>: {@code --fanout} (1000) subscriptions on {@value #FANOUT_RESOURCE}, each pushing to its
 *       own path {@code /f/0} ... of the sink; one event is published and timed from sending the publish until
 *       every subscription's push arrived; one untimed round, then {@code --fanout-rounds} (5) timed ones.</li>
 * </ol>
 * Only 200 counts as a successful publish. Subscriptions are created through the API and waited for until the
 * sink answered their validation event ({@code status} {@code active}).
 *
 * <p>Prints a summary and one machine-readable line per figure:
 * {@code RESULT name=<label>_<phase>_<figure> value=<v> unit=<u>}.
 *
 * <p>Flags: {@code --url} base URL of the server (required; loopback only), {@code --publish-urls} where to
 * publish (comma-separated base URLs of server nodes on one database, used in turn; default {@code --url}),
 * {@code --token} (org ttd, scopes
 * {@code altinn:events.publish altinn:events.subscribe}), {@code --subscriptions} (1), {@code --concurrency}
 * (32), {@code --max-backlog} (2000), {@code --warmup} seconds of phase 1 (30), {@code --settle} at most this
 * many seconds of warm-up in phase 1, ended as soon as the delivery rate stops rising ({@link SteadyState};
 * replaces {@code --warmup}), {@code --duration} (15), {@code --ceiling-warmup}
 * (5), {@code --latency-warmup} (5), {@code --latency-duration} (20), {@code --latency-connections} (64),
 * {@code --rate} events/s for the latency
 * phase (0: half the peak), {@code --fanout} (1000), {@code --fanout-rounds} (5), {@code --drain-timeout} seconds
 * (120),
 * {@code --phases} (throughput,ceiling,latency,fanout), {@code --label}.
 */
public final class DeliveryBench {
    static final String DELIVERY_RESOURCE = "urn:altinn:resource:bench-delivery";
    static final String FANOUT_RESOURCE = "urn:altinn:resource:bench-fanout";
    /** At most this many requests per endpoint URL at a time (the engine's default maxConcurrencyPerEndpoint). */
    static final int ENGINE_LANE = 16;
    private static final MediaType CLOUDEVENTS_JSON = MediaType.get("application/cloudevents+json");
    private static final MediaType JSON = MediaType.get("application/json");
    private static final String EVENTS_PATH = "/events/api/v1/events";
    private static final String SUBSCRIPTIONS_PATH = "/events/api/v1/subscriptions";
    private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
    private static final Pattern STATUS = Pattern.compile("\"status\":\"([a-z]+)\"");
    private static final int MAX_SECONDS = 3600;

    private final HttpUrl base;
    /** Where events are published: the server, or every node of a cluster in turn. */
    private final List<HttpUrl> publishBases;
    private final String token;
    private final WebhookSink sink;
    private final OkHttpClient client;
    private final List<String> results = new ArrayList<>();
    private final String label;

    private DeliveryBench(HttpUrl base, List<HttpUrl> publishBases, String token, WebhookSink sink, String label) {
        this.base = base;
        this.publishBases = publishBases;
        this.token = token;
        this.sink = sink;
        this.label = label;
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(2048);
        dispatcher.setMaxRequestsPerHost(2048);
        this.client = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(256, 1, TimeUnit.MINUTES))
                .followRedirects(false)
                .retryOnConnectionFailure(false)
                .connectTimeout(Duration.ofSeconds(5))
                .callTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** The benchmark got an answer it cannot work with: its figures would not be valid. */
    static final class UnexpectedAnswerException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnexpectedAnswerException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) throws Exception {
        Flags flags = Flags.parse(args);
        URI url = URI.create(flags.require("--url"));
        LoadGenerator.requireLoopback(url);
        String token = flags.require("--token");
        int subscriptions = flags.intValue("--subscriptions", 1, 1, 64);
        int concurrency = flags.intValue("--concurrency", 32, 1, 1024);
        int maxBacklog = flags.intValue("--max-backlog", 2000, 1, 10_000_000);
        LoadGenerator.Warmup warmup = flags.values().containsKey("--settle")
                ? new LoadGenerator.Warmup(flags.intValue("--settle", 0, 1, MAX_SECONDS), true)
                : new LoadGenerator.Warmup(flags.intValue("--warmup", 30, 0, MAX_SECONDS), false);
        int duration = flags.intValue("--duration", 15, 1, MAX_SECONDS);
        int ceilingWarmup = flags.intValue("--ceiling-warmup", 5, 0, MAX_SECONDS);
        int latencyWarmup = flags.intValue("--latency-warmup", 5, 0, MAX_SECONDS);
        int latencyDuration = flags.intValue("--latency-duration", 20, 1, MAX_SECONDS);
        int rate = flags.intValue("--rate", 0, 0, 1_000_000);
        int latencyConnections = flags.intValue("--latency-connections", 64, 1, 2048);
        int fanout = flags.intValue("--fanout", 1000, 1, 100_000);
        int fanoutRounds = flags.intValue("--fanout-rounds", 5, 1, 1000);
        int drainTimeout = flags.intValue("--drain-timeout", 120, 1, MAX_SECONDS);
        int sinkAcceptQueue = flags.intValue("--sink-accept-queue", 0, 0, 65_535);
        Set<String> phases = new HashSet<>(Arrays.asList(
                flags.value("--phases", "throughput,ceiling,latency,fanout").split(",")));
        String label = flags.value("--label", "server").replace(' ', '_');

        try (WebhookSink sink = WebhookSink.start(0, sinkAcceptQueue)) {
            List<HttpUrl> publishBases = new ArrayList<>();
            for (String u : flags.value("--publish-urls", url.toString()).split(",")) {
                URI publishUrl = URI.create(u.trim());
                LoadGenerator.requireLoopback(publishUrl);
                publishBases.add(HttpUrl.get(publishUrl.toString()));
            }
            DeliveryBench bench = new DeliveryBench(HttpUrl.get(url.toString()), publishBases, token, sink, label);
            try {
                System.out.printf(Locale.ROOT, "%s: webhook sink on 127.0.0.1:%d%n", label, sink.port());
                List<String> lanes = bench.subscribe(DELIVERY_RESOURCE, 'd', subscriptions);
                Throughput t = null;
                if (phases.contains("throughput")) {
                    t = bench.throughput(lanes.size(), concurrency, maxBacklog, warmup, duration, drainTimeout);
                }
                if (phases.contains("ceiling")) {
                    if (t == null || t.sample() == null) {
                        throw new IllegalArgumentException("the ceiling replays a push of the throughput phase");
                    }
                    bench.ceiling(t, lanes.size(), ceilingWarmup, duration);
                }
                if (phases.contains("latency")) {
                    double r = rate > 0 ? rate : t == null ? 0 : t.deliveriesPerSecond() / lanes.size() / 2;
                    if (r < 1) {
                        throw new IllegalArgumentException("the latency phase needs --rate or the throughput phase");
                    }
                    bench.latency(r, lanes.size(), latencyConnections, latencyWarmup, latencyDuration, drainTimeout);
                }
                if (phases.contains("fanout")) {
                    bench.fanout(fanout, fanoutRounds);
                }
            } finally {
                bench.client.dispatcher().executorService().shutdown();
                bench.client.connectionPool().evictAll();
            }
            bench.results.forEach(System.out::println);
        }
    }

    // ------------------------------------------------------------------ subscriptions

    /**
     * Creates {@code count} subscriptions of the token's org on {@code resource}, pushing to
     * {@code /<lane>/0 .. /<lane>/<count-1>} of the sink, and waits until all are active. Returns their ids.
     */
    List<String> subscribe(String resource, char lane, int count) throws InterruptedException {
        long started = System.nanoTime();
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String endPoint = "http://127.0.0.1:" + sink.port() + "/" + lane + "/" + i;
            String json = "{\"endPoint\":\"" + endPoint + "\",\"resourceFilter\":\"" + resource + "\"}";
            Request request = new Request.Builder().url(base.resolve(SUBSCRIPTIONS_PATH))
                    .header("Authorization", "Bearer " + token)
                    .post(RequestBody.create(json, JSON)).build();
            String answer = call(request, 201);
            Matcher m = ID.matcher(answer);
            if (!m.find()) {
                throw new UnexpectedAnswerException("no id in the created subscription: " + truncate(answer));
            }
            ids.add(m.group(1));
        }
        awaitActive(ids, Duration.ofSeconds(Math.max(60, count / 10)));
        System.out.printf(Locale.ROOT, "%s: %d subscriptions on %s active after %.1f s%n", label, count, resource,
                (System.nanoTime() - started) / 1e9);
        return ids;
    }

    private void awaitActive(List<String> ids, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> wanted = new HashSet<>(ids);
        while (true) {
            Request request = new Request.Builder().url(base.resolve(SUBSCRIPTIONS_PATH))
                    .header("Authorization", "Bearer " + token).get().build();
            String answer = call(request, 200);
            Map<String, String> status = new HashMap<>();
            Matcher id = ID.matcher(answer);
            Matcher st = STATUS.matcher(answer);
            while (id.find()) {
                if (st.find(id.end())) {
                    status.put(id.group(1), st.group(1));
                }
            }
            long active = wanted.stream().filter(i -> "active".equals(status.get(i))).count();
            if (active == wanted.size()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new UnexpectedAnswerException(active + " of " + wanted.size() + " subscriptions active after "
                        + timeout.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    // ------------------------------------------------------------------ phase 1: throughput

    /** The first push of phase 1, replayed by the ceiling. */
    record Sample(byte[] body, String contentType, String userAgent, String webhookId, String signature) {
    }

    record Throughput(double publishedPerSecond, double deliveriesPerSecond, long published, long errors,
            Sample sample) {
    }

    /** The measured window of phase 1: never, until the warm-up ends. */
    private volatile long measureFrom = Long.MAX_VALUE;
    private volatile long measureUntil = Long.MAX_VALUE;

    Throughput throughput(int subscriptions, int concurrency, int maxBacklog, LoadGenerator.Warmup warmup,
            int duration, int drainTimeout) throws InterruptedException {
        LongAdder pushes = new LongAdder();
        AtomicReference<Sample> sample = new AtomicReference<>();
        // One permit per outstanding push: a publisher takes one per subscription before it publishes, each push
        // received gives one back. Blocking, not polling: the publishers must not spin on the shared cores.
        Semaphore outstanding = new Semaphore(maxBacklog);
        sink.listen((lane, n, id, nanos, ctx, body) -> {
            if (lane == 'd') {
                pushes.increment();
                outstanding.release();
                if (sample.get() == null) {
                    sample.compareAndSet(null, new Sample(body, ctx.header("Content-Type"), ctx.header("User-Agent"),
                            ctx.header("webhook-id"), ctx.header("webhook-signature")));
                }
            }
        });
        System.out.printf(Locale.ROOT, "%s: throughput: %s + %d s closed-loop publishing at concurrency %d,"
                + " held back above %d pushes outstanding, %d subscription(s)%n", label,
                warmup.untilSettled() ? "warm-up until the delivery rate settles (at most " + warmup.seconds() + " s)"
                        : warmup.seconds() + " s warm-up", duration, concurrency, maxBacklog, subscriptions);
        List<Publisher> publishers = new ArrayList<>();
        AtomicReference<String> firstError = new AtomicReference<>();

        for (int i = 0; i < concurrency; i++) {
            Publisher p = new Publisher(i, firstError, outstanding, subscriptions);
            publishers.add(p);
            p.thread.start();
        }
        if (warmup.untilSettled()) {
            SteadyState.await(label + ": throughput", "pushes/s", pushes::sum, warmup.seconds(), System.out);
        } else {
            TimeUnit.SECONDS.sleep(warmup.seconds());
        }
        long from = System.nanoTime();
        long until = from + TimeUnit.SECONDS.toNanos(duration);
        measureFrom = from;
        measureUntil = until;
        long pushesFrom = pushes.sum();
        sleepUntil(until);
        long pushesUntil = pushes.sum();
        for (Publisher p : publishers) {
            p.thread.join(TimeUnit.SECONDS.toMillis(40));
        }
        long stopped = System.nanoTime();
        long published = publishers.stream().mapToLong(p -> p.ok).sum();
        long publishedInWindow = publishers.stream().mapToLong(p -> p.okInWindow).sum();
        long errors = publishers.stream().mapToLong(p -> p.errors).sum();
        long expected = published * subscriptions;
        long backlog = expected - pushes.sum();
        long drainDeadline = stopped + TimeUnit.SECONDS.toNanos(drainTimeout);
        while (pushes.sum() < expected && System.nanoTime() < drainDeadline) {
            Thread.sleep(5);
        }
        double drainSeconds = (System.nanoTime() - stopped) / 1e9;
        long missing = Math.max(0, expected - pushes.sum());
        sink.listen(null);

        double seconds = duration;
        double publishRate = publishedInWindow / seconds;
        double deliveryRate = (pushesUntil - pushesFrom) / seconds;
        System.out.printf(Locale.ROOT, "%s: throughput: published %.0f events/s, received %.0f pushes/s (measured"
                + " %d s); %d events published in all, %d errors; backlog when publishing stopped %d pushes, drained"
                + " in %.2f s, %d never arrived%n", label, publishRate, deliveryRate, duration, published, errors,
                backlog, drainSeconds, missing);
        if (firstError.get() != null) {
            System.out.println("first error: " + firstError.get());
        }
        figure("throughput_published", publishRate, "events/s");
        figure("throughput_deliveries", deliveryRate, "pushes/s");
        figure("throughput_errors", errors, "requests");
        figure("throughput_backlog", backlog, "pushes");
        figure("throughput_drain", drainSeconds, "s");
        figure("throughput_missing", missing, "pushes");
        figure("throughput_lanes", subscriptions, "endpoints");
        if (missing > 0) {
            throw new UnexpectedAnswerException(missing + " pushes did not arrive within " + drainTimeout + " s");
        }
        return new Throughput(publishRate, deliveryRate, published, errors, sample.get());
    }

    /** One closed-loop publishing thread of phase 1. */
    private final class Publisher implements Runnable {
        final Thread thread;
        private final AtomicReference<String> firstError;
        private final Semaphore outstanding;
        private final int permits;
        long ok;
        long okInWindow;
        long errors;
        private long sequence;

        Publisher(int index, AtomicReference<String> firstError, Semaphore outstanding, int permits) {
            this.firstError = firstError;
            this.outstanding = outstanding;
            this.permits = permits;
            this.thread = new Thread(this, "publish-" + index);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            while (true) {
                try {
                    // At most a second per wait: the end of the window is not known until the warm-up ends.
                    if (!outstanding.tryAcquire(permits, 1, TimeUnit.SECONDS)) {
                        if (System.nanoTime() >= measureUntil) {
                            return;
                        }
                        continue;
                    }
                } catch (InterruptedException e) {
                    return;
                }
                long sent = System.nanoTime();
                if (sent >= measureUntil) {
                    outstanding.release(permits);
                    return;
                }
                String id = LoadGenerator.randomUuid();
                try (Response response = client.newCall(publish(id, DELIVERY_RESOURCE, ++sequence)).execute()) {
                    String answer = response.body().string();
                    if (response.code() == 200) {
                        ok++;
                        if (sent >= measureFrom) {
                            okInWindow++;
                        }
                        continue;
                    }
                    firstError.compareAndSet(null, "HTTP " + response.code() + " " + truncate(answer));
                } catch (IOException | RuntimeException e) {
                    firstError.compareAndSet(null, e.toString());
                }
                errors++;
                outstanding.release(permits);
            }
        }
    }

    // ------------------------------------------------------------------ phase 2: ceiling

    void ceiling(Throughput t, int subscriptions, int warmup, int duration) throws InterruptedException {
        Sample s = t.sample();
        int threads = ENGINE_LANE * subscriptions;
        LongAdder pushes = new LongAdder();
        sink.listen((lane, n, id, nanos, ctx, body) -> {
            if (lane == 'd') {
                pushes.increment();
            }
        });
        System.out.printf(Locale.ROOT, "%s: ceiling: bare OkHttp, %d threads, %d s warmup + %d s, replaying a %d-byte"
                + " push%n", label, threads, warmup, duration, s.body().length);
        OkHttpClient bare = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(64, 1, TimeUnit.MINUTES))
                .followRedirects(false)
                .retryOnConnectionFailure(false)
                .callTimeout(Duration.ofSeconds(30))
                .build();
        MediaType contentType = MediaType.get(s.contentType());
        WebhookSecret secret = WebhookSecret.generate(new SecureRandom());
        // A webhook-id like the engine's: msg_<32 hex>_<sequence>.
        String idPrefix = s.webhookId().substring(0, Math.max(0, s.webhookId().lastIndexOf('_') + 1));
        long start = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        long measureUntil = measureFrom + TimeUnit.SECONDS.toNanos(duration);
        AtomicLong sequence = new AtomicLong(1_000_000);
        LongAdder ok = new LongAdder();
        LongAdder errors = new LongAdder();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            HttpUrl target = HttpUrl.get("http://127.0.0.1:" + sink.port() + "/d/" + (i % subscriptions));
            Thread w = new Thread(() -> {
                while (true) {
                    long sent = System.nanoTime();
                    if (sent >= measureUntil) {
                        return;
                    }
                    String webhookId = idPrefix + sequence.incrementAndGet();
                    long timestamp = System.currentTimeMillis() / 1000;
                    Request request = new Request.Builder().url(target)
                            .header("User-Agent", s.userAgent())
                            .header("webhook-id", webhookId)
                            .header("webhook-timestamp", Long.toString(timestamp))
                            .header("webhook-signature", WebhookSignature.header(List.of(secret), webhookId, timestamp,
                                    s.body()))
                            .post(RequestBody.create(s.body(), contentType))
                            .build();
                    boolean measured = sent >= measureFrom;
                    try (Response response = bare.newCall(request).execute()) {
                        if (response.isSuccessful()) {
                            if (measured) {
                                ok.increment();
                            }
                            continue;
                        }
                        firstError.compareAndSet(null, "HTTP " + response.code());
                    } catch (IOException | RuntimeException e) {
                        firstError.compareAndSet(null, e.toString());
                    }
                    if (measured) {
                        errors.increment();
                    }
                }
            }, "ceiling-" + i);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
        sleepUntil(measureFrom);
        long pushesFrom = pushes.sum();
        sleepUntil(measureUntil);
        long pushesUntil = pushes.sum();
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(40));
        }
        bare.dispatcher().executorService().shutdown();
        bare.connectionPool().evictAll();
        sink.listen(null);
        double rate = (pushesUntil - pushesFrom) / (double) duration;
        double ratio = 100.0 * t.deliveriesPerSecond() / rate;
        System.out.printf(Locale.ROOT, "%s: ceiling: received %.0f pushes/s (%.0f answered/s, %d errors); the server's"
                + " %.0f deliveries/s are %.1f %% of it%n", label, rate, ok.sum() / (double) duration, errors.sum(),
                t.deliveriesPerSecond(), ratio);
        if (firstError.get() != null) {
            System.out.println("first error: " + firstError.get());
        }
        figure("ceiling_deliveries", rate, "pushes/s");
        figure("ceiling_errors", errors.sum(), "requests");
        figure("ceiling_threads", threads, "threads");
        figure("ceiling_ratio", ratio, "%");
    }

    /**
     * Where the tail comes from: the pushes over 50 ms by the second (UTC) their event was acknowledged, the three
     * worst seconds, so that one stall (of the machine, the database, a collector) can be told from a spread tail.
     */
    private void printWorstSeconds(List<Push> pushes, Map<String, Long> acked, long startNanos, long startMillis) {
        Map<Long, long[]> bySecond = new TreeMap<>(); // second -> {pushes, over 50 ms, max nanos}
        for (Push p : pushes) {
            long ack = acked.get(p.eventId());
            long second = (startMillis + TimeUnit.NANOSECONDS.toMillis(ack - startNanos)) / 1000;
            long[] s = bySecond.computeIfAbsent(second, k -> new long[3]);
            long latency = Math.max(0, p.nanos() - ack);
            s[0]++;
            if (latency > TimeUnit.MILLISECONDS.toNanos(50)) {
                s[1]++;
            }
            s[2] = Math.max(s[2], latency);
        }
        long over = bySecond.values().stream().mapToLong(s -> s[1]).sum();
        long secondsOver = bySecond.values().stream().filter(s -> s[1] > 0).count();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "%s: latency: %d pushes over 50 ms, in %d of %d seconds; the worst:", label, over, secondsOver,
                bySecond.size()));
        bySecond.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                .limit(3)
                .filter(e -> e.getValue()[1] > 0)
                .forEach(e -> line.append(String.format(Locale.ROOT, " %s %d of %d (max %.0f ms);",
                        DateTimeFormatter.ISO_LOCAL_TIME.format(
                                LocalTime.ofSecondOfDay(Math.floorMod(e.getKey(), 86_400L))),
                        e.getValue()[1], e.getValue()[0], e.getValue()[2] / 1e6)));
        System.out.println(line);
    }

    // ------------------------------------------------------------------ phase 3: latency

    private record Push(String eventId, long nanos) {
    }

    void latency(double rate, int subscriptions, int connections, int warmup, int duration, int drainTimeout)
            throws InterruptedException {
        Dispatcher bounded = new Dispatcher();
        bounded.setMaxRequests(connections);
        bounded.setMaxRequestsPerHost(connections);
        OkHttpClient publisher = client.newBuilder().dispatcher(bounded).build();
        ConcurrentLinkedQueue<Push> pushes = new ConcurrentLinkedQueue<>();
        sink.listen((lane, n, id, nanos, ctx, body) -> {
            if (lane == 'd' && id != null) {
                pushes.add(new Push(id, nanos));
            }
        });
        System.out.printf(Locale.ROOT, "%s: latency: open-loop publishing at %.0f events/s over at most %d"
                + " connections, %d s warmup + %d s%n", label, rate, connections, warmup, duration);
        Map<String, Long> acked = new ConcurrentHashMap<>();
        Set<String> measured = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<Long> ackLatencies = new ConcurrentLinkedQueue<>();
        LongAdder errors = new LongAdder();
        LongAdder inFlight = new LongAdder();
        AtomicReference<String> firstError = new AtomicReference<>();
        double intervalNanos = 1e9 / rate;
        long start = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        long measureUntil = measureFrom + TimeUnit.SECONDS.toNanos(duration);
        long sentCount = 0;
        long late = 0;
        for (long i = 0; ; i++) {
            long due = start + (long) (i * intervalNanos);
            if (due >= measureUntil) {
                break;
            }
            long now = System.nanoTime();
            if (due > now) {
                LockSupport.parkNanos(due - now);
            } else if (now - due > TimeUnit.MILLISECONDS.toNanos(1)) {
                late++;
            }
            String id = LoadGenerator.randomUuid();
            boolean inWindow = due >= measureFrom;
            long sent = due;
            inFlight.increment();
            sentCount++;
            publisher.newCall(publish(id, DELIVERY_RESOURCE, i)).enqueue(new Callback() {
                @Override
                public void onResponse(Call call, Response response) {
                    try (response) {
                        long at = System.nanoTime();
                        if (response.code() == 200) {
                            acked.put(id, at);
                            if (inWindow) {
                                measured.add(id);
                                ackLatencies.add(at - sent);
                            }
                        } else {
                            errors.increment();
                            firstError.compareAndSet(null, "HTTP " + response.code());
                        }
                    } finally {
                        inFlight.decrement();
                    }
                }

                @Override
                public void onFailure(Call call, IOException e) {
                    errors.increment();
                    firstError.compareAndSet(null, e.toString());
                    inFlight.decrement();
                }
            });
        }
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainTimeout);
        while (inFlight.sum() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        // Every measured event pushed to every subscription, or the timeout.
        Map<String, Integer> received = new HashMap<>();
        List<Push> mine = new ArrayList<>();
        long waitingSince = System.nanoTime();
        while (true) {
            for (Push p; (p = pushes.poll()) != null; ) {
                if (measured.contains(p.eventId())) {
                    mine.add(p);
                    received.merge(p.eventId(), 1, Integer::sum);
                }
            }
            long complete = measured.stream().filter(id -> received.getOrDefault(id, 0) >= subscriptions).count();
            if (complete == measured.size() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(5);
        }
        double waitedSeconds = (System.nanoTime() - waitingSince) / 1e9;
        sink.listen(null);
        long missingEvents = measured.stream().filter(id -> received.getOrDefault(id, 0) < subscriptions).count();
        long[] latencies = new long[mine.size()];
        int beforeAck = 0;
        for (int i = 0; i < latencies.length; i++) {
            Push p = mine.get(i);
            long l = p.nanos() - acked.get(p.eventId());
            if (l < 0) {
                beforeAck++;
                l = 0;
            }
            latencies[i] = l;
        }
        Arrays.sort(latencies);
        long[] acks = ackLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "%s: latency: sent %d events in %.1f s (%d more than 1 ms late); %d measured,"
                + " %d pushes of them, %d events without every push (waited %.1f s), %d publish errors;"
                + " publish-ack -> webhook-received p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d pushes before their"
                + " ack); publish round trip p50 %.2f ms, p99 %.2f ms%n", label, sentCount, sendSeconds, late,
                measured.size(), latencies.length, missingEvents, waitedSeconds, errors.sum(),
                percentileMillis(latencies, 50), percentileMillis(latencies, 99), percentileMillis(latencies, 100),
                beforeAck, percentileMillis(acks, 50), percentileMillis(acks, 99));
        if (firstError.get() != null) {
            System.out.println("first error: " + firstError.get());
        }
        printWorstSeconds(mine, acked, start, startMillis);
        figure("latency_rate", rate, "events/s");
        figure("latency_events", measured.size(), "events");
        figure("latency_pushes", latencies.length, "pushes");
        figure("latency_p50", percentileMillis(latencies, 50), "ms");
        figure("latency_p99", percentileMillis(latencies, 99), "ms");
        figure("latency_max", percentileMillis(latencies, 100), "ms");
        figure("latency_beforeack", beforeAck, "pushes");
        figure("latency_missing", missingEvents, "events");
        figure("latency_errors", errors.sum(), "requests");
        figure("latency_late", late, "sends");
        figure("latency_ackp50", percentileMillis(acks, 50), "ms");
        figure("latency_ackp99", percentileMillis(acks, 99), "ms");
    }

    // ------------------------------------------------------------------ phase 4: fan-out

    /** The pushes of one fan-out event: which paths have got it, and when the last one arrived. */
    private static final class Round {
        final String eventId;
        final Set<Integer> seen = ConcurrentHashMap.newKeySet();
        final CountDownLatch done = new CountDownLatch(1);
        final int wanted;
        volatile long firstNanos;
        volatile long lastNanos;
        /** When the half and the nine tenths of the pushes had arrived. */
        volatile long halfNanos;
        volatile long nineTenthsNanos;

        Round(String eventId, int wanted) {
            this.eventId = eventId;
            this.wanted = wanted;
        }

        void pushed(int n, long nanos) {
            if (seen.add(n)) {
                if (firstNanos == 0) {
                    firstNanos = nanos;
                }
                int count = seen.size();
                if (count == (wanted + 1) / 2) {
                    halfNanos = nanos;
                }
                if (count == (wanted * 9 + 9) / 10) {
                    nineTenthsNanos = nanos;
                }
                if (count == wanted) {
                    lastNanos = nanos;
                    done.countDown();
                }
            }
        }
    }

    void fanout(int subscriptions, int rounds) throws InterruptedException {
        List<String> ids = subscribe(FANOUT_RESOURCE, 'f', subscriptions);
        long slowest = 0;
        AtomicReference<Round> current = new AtomicReference<>();
        sink.listen((lane, n, id, nanos, ctx, body) -> {
            Round r = current.get();
            if (lane == 'f' && r != null && r.eventId.equals(id)) {
                r.pushed(n, nanos);
            }
        });
        long[] sendToLast = new long[rounds];
        long[] ackToLast = new long[rounds];
        long[] sendToFirst = new long[rounds];
        for (int round = -1; round < rounds; round++) {
            Round r = new Round(LoadGenerator.randomUuid(), subscriptions);
            current.set(r);
            long sent = System.nanoTime();
            call(publish(r.eventId, FANOUT_RESOURCE, round + 2), 200);
            long acked = System.nanoTime();
            if (!r.done.await(120, TimeUnit.SECONDS)) {
                throw new UnexpectedAnswerException("fan-out: " + r.seen.size() + " of " + subscriptions
                        + " pushes after 120 s");
            }
            slowest = Math.max(slowest, r.lastNanos - sent);
            if (round >= 0) {
                sendToLast[round] = r.lastNanos - sent;
                ackToLast[round] = Math.max(0, r.lastNanos - acked);
                sendToFirst[round] = r.firstNanos - sent;
            }
            System.out.printf(Locale.ROOT, "%s: fan-out round %s: publish sent -> all %d pushes %.1f ms (ack %.1f ms,"
                    + " first push %.1f ms, half %.1f ms, nine tenths %.1f ms)%n", label,
                    round < 0 ? "warmup" : Integer.toString(round + 1), subscriptions, (r.lastNanos - sent) / 1e6,
                    (acked - sent) / 1e6, (r.firstNanos - sent) / 1e6, (r.halfNanos - sent) / 1e6,
                    (r.nineTenthsNanos - sent) / 1e6);
            // Let the server record the round's attempts before the next one.
            Thread.sleep(2000);
        }
        sink.listen(null);
        if (slowest > TimeUnit.SECONDS.toNanos(2)) {
            // A round this slow waited for a retry (the first comes after about 10 s): say why attempts failed.
            reportFailedAttempts(ids);
        }
        Arrays.sort(sendToLast);
        Arrays.sort(ackToLast);
        Arrays.sort(sendToFirst);
        figure("fanout_subscriptions", subscriptions, "subscriptions");
        figure("fanout_rounds", rounds, "rounds");
        figure("fanout_median", median(sendToLast) / 1e6, "ms");
        figure("fanout_max", sendToLast[rounds - 1] / 1e6, "ms");
        figure("fanout_ackmedian", median(ackToLast) / 1e6, "ms");
        figure("fanout_firstmedian", median(sendToFirst) / 1e6, "ms");
    }

    private static final Pattern ATTEMPT_ERROR = Pattern.compile("\"error\":\"([^\"]*)\"");

    /** Counts the failed attempts in the delivery logs of the subscriptions, by error. */
    private void reportFailedAttempts(List<String> ids) {
        Map<String, Integer> errors = new HashMap<>();
        for (String id : ids) {
            Request request = new Request.Builder()
                    .url(base.resolve(SUBSCRIPTIONS_PATH + "/" + id + "/deliveries?size=100"))
                    .header("Authorization", "Bearer " + token).get().build();
            Matcher m = ATTEMPT_ERROR.matcher(call(request, 200));
            while (m.find()) {
                errors.merge(m.group(1), 1, Integer::sum);
            }
        }
        System.out.printf(Locale.ROOT, "%s: fan-out: a round took over 2 s; failed attempts in the delivery logs of"
                + " the %d subscriptions: %s%n", label, ids.size(), errors.isEmpty() ? "none" : errors);
    }

    // ------------------------------------------------------------------ helpers

    private Request publish(String id, String resource, long n) {
        HttpUrl node = publishBases.get((int) Math.floorMod(n, (long) publishBases.size()));
        return new Request.Builder().url(node.resolve(EVENTS_PATH))
                .header("Authorization", "Bearer " + token)
                .post(RequestBody.create(body(id, resource, n), CLOUDEVENTS_JSON))
                .build();
    }

    /** The event of {@link LoadGenerator#body} on another resource. */
    static String body(String id, String resource, long n) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"https://bench.example/src\","
                + "\"type\":\"bench.created\",\"subject\":\"/party/1337\",\"time\":\"2026-11-27T10:00:00Z\","
                + "\"resource\":\"" + resource + "\",\"datacontenttype\":\"application/json\","
                + "\"data\":{\"n\":" + n + "}}";
    }

    private String call(Request request, int expected) {
        try (Response response = client.newCall(request).execute()) {
            String answer = new String(response.body().bytes(), StandardCharsets.UTF_8);
            if (response.code() != expected) {
                throw new UnexpectedAnswerException(request.method() + " " + request.url().encodedPath() + ": HTTP "
                        + response.code() + " " + truncate(answer));
            }
            return answer;
        } catch (IOException e) {
            throw new UnexpectedAnswerException(request.method() + " " + request.url().encodedPath() + ": " + e);
        }
    }

    private void figure(String name, double value, String unit) {
        results.add(String.format(Locale.ROOT, "RESULT name=%s_%s value=%.2f unit=%s", label, name, value, unit));
    }

    static double percentileMillis(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(rank, sortedNanos.length - 1))] / 1e6;
    }

    private static double median(long[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        for (long left = nanos - System.nanoTime(); left > 0; left = nanos - System.nanoTime()) {
            Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
    }

    private static String truncate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
