package events.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * What one poll costs a caller the policy grants nothing, as the store grows (security issue: a poll whose
 * {@code subject} names events the caller may not see scanned the whole table, 2.5 s over 1 000 000 events on H2;
 * a type pattern ran as H2's backtracking {@code LIKE}, 6.26 s over one row with a long type). Over HTTP against a
 * running server (bench/hostile-poll.sh starts it with bench/poll-policies). One keep-alive connection, one
 * request at a time; a request is timed from the call to the last byte of the body.
 *
 * <p>Setup publishes, as ttd, to {@value #RESOURCE} (digdir may see every party but 666; a caller of any other
 * org nothing): first one event whose type is {@code --long-type} (1024, the most a type may have) characters {@code a}, never ending in
 * {@code x}, so that it is among the first events a poll from {@code after=0} examines; then events in batches of
 * {@value #BATCH} from {@code --publishers} (4) concurrent publishers, in stages up to each of {@code --sizes}
 * (100000,1000000) events. Every {@code --hot-every}-th (8th) event is about {@value #HOT_SUBJECT}, the others
 * cycle over {@value #PARTIES} other parties: with 8, that subject holds 12 500 events at 10^5 already, more than
 * the 10 000 events one poll may examine, the worst a caller can pick (a subject with fewer events costs less).
 *
 * <p>At each size, after {@code --warmup} (5) untimed rounds, {@code --polls} (50) rounds, each one timed poll of
 * every scenario, interleaved (so that drift of the shared machine hits them alike), all {@code after=0} (the
 * first page, what a hostile caller would ask for again and again) and {@code size=--page-size} (50, the API's
 * default):
 * <ol>
 *   <li>{@code subject-nogrant}: {@code subject=}{@value #HOT_SUBJECT} by the caller with no grant (must answer 200
 *       with no events);</li>
 *   <li>{@code subject-permitted}: the same by digdir (must answer a full page of that subject): what a normal
 *       poll of that subject costs at that size, the ceiling (a) is compared with;</li>
 *   <li>{@code type-nogrant}: {@code type=}{@value #TYPE_8} (8 {@code %}, the most allowed) by the caller with no
 *       grant (200, no events);</li>
 *   <li>{@code unfiltered-nogrant}: no filter, by the caller with no grant (200, no events).</li>
 * </ol>
 * Once, before publishing: {@code type=}{@value #TYPE_9} (9 {@code %}) must be refused with 400; its answer is
 * printed.
 *
 * <p>Prints a table per size, the ratios, and machine-readable lines {@code RESULT name=<scenario>_<size>_<p50|p99|max>
 * value=<v> unit=ms target=<label>}, {@code RESULT name=ratio_nogrant-to-permitted_<size>_p50 ...},
 * {@code RESULT name=ratio_subject-nogrant_<largest>-to-<smallest>_<p50|p99> ...} and
 * {@code RESULT name=type-9-percent_status value=400 unit=http-status ...}.
 *
 * <p>Flags: {@code --url} of the server (required; loopback only), {@code --publish-token} (ttd, publish),
 * {@code --permitted-token} (digdir, subscribe), {@code --nogrant-token} (an org no rule names, subscribe),
 * {@code --sizes}, {@code --polls}, {@code --warmup}, {@code --page-size}, {@code --hot-every},
 * {@code --publishers}, {@code --long-type}, {@code --label}.
 */
public final class HostilePollBench {
    static final String RESOURCE = "urn:altinn:resource:bench-poll";
    static final String HOT_SUBJECT = "/party/1337";
    static final String TYPE_8 = "%a%a%a%a%a%a%a%x";
    static final String TYPE_9 = "%a%a%a%a%a%a%a%a%x";
    private static final MediaType BATCH_JSON = MediaType.get("application/cloudevents-batch+json");
    private static final MediaType EVENT_JSON = MediaType.get("application/cloudevents+json");
    private static final String EVENTS_PATH = "/events/api/v1/events";
    private static final JsonFactory JSON = new JsonFactory();
    private static final int BATCH = 500;
    private static final int FIRST_PARTY = 10_000;
    private static final int PARTIES = 1000;
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** The scenarios, in the order of the table and of each round. */
    enum Scenario {
        SUBJECT_NOGRANT("subject-nogrant", "(a) subject=" + HOT_SUBJECT + ", no grant"),
        SUBJECT_PERMITTED("subject-permitted", "(b) subject=" + HOT_SUBJECT + ", digdir (ceiling)"),
        TYPE_NOGRANT("type-nogrant", "(c) type=" + TYPE_8 + " (8 %), no grant"),
        UNFILTERED_NOGRANT("unfiltered-nogrant", "(d) no filter, no grant");

        final String key;
        final String title;

        Scenario(String key, String title) {
            this.key = key;
            this.title = title;
        }
    }

    /** The server answered something other than what the benchmark needs: the figures would not be valid. */
    static final class UnexpectedAnswerException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnexpectedAnswerException(String message) {
            super(message);
        }
    }

    /** One answer: status, body, and whether it carried a {@code next} header. */
    private record Answer(int code, byte[] body, boolean hasNext, long nanos) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final OkHttpClient client;
    private final HttpUrl base;
    private final String publishToken;
    private final String permittedToken;
    private final String nograntToken;
    private final int pageSize;
    private final int hotEvery;
    private final int publishers;
    private final String label;
    private long published;
    private final AtomicLong retried503 = new AtomicLong();

    private HostilePollBench(HttpUrl base, String publishToken, String permittedToken, String nograntToken,
                             int pageSize, int hotEvery, int publishers, String label) {
        this.base = base;
        this.publishToken = publishToken;
        this.permittedToken = permittedToken;
        this.nograntToken = nograntToken;
        this.pageSize = pageSize;
        this.hotEvery = hotEvery;
        this.publishers = publishers;
        this.label = label;
        this.client = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(publishers + 1, 1, TimeUnit.MINUTES))
                .followRedirects(false)
                .retryOnConnectionFailure(false)
                .connectTimeout(Duration.ofSeconds(5))
                .callTimeout(Duration.ofSeconds(120))
                .build();
    }

    public static void main(String[] args) throws Exception {
        Flags flags = Flags.parse(args);
        URI url = URI.create(flags.require("--url"));
        LoadGenerator.requireLoopback(url);
        List<Integer> sizes = flags.intList("--sizes", "100000,1000000", BATCH, 100_000_000);
        for (int i = 1; i < sizes.size(); i++) {
            if (sizes.get(i) <= sizes.get(i - 1)) {
                throw new IllegalArgumentException("--sizes must grow: " + sizes);
            }
        }
        int polls = flags.intValue("--polls", 50, 1, 100_000);
        int warmup = flags.intValue("--warmup", 5, 0, 100_000);
        int pageSize = flags.intValue("--page-size", 50, 1, 1000);
        int hotEvery = flags.intValue("--hot-every", 8, 1, 1_000_000);
        int publishers = flags.intValue("--publishers", 4, 1, 64);
        int longType = flags.intValue("--long-type", 1024, 1, 200_000);
        String label = flags.value("--label", url.getHost() + ":" + url.getPort()).replace(' ', '_');
        HostilePollBench bench = new HostilePollBench(HttpUrl.get(url.toString()), flags.require("--publish-token"),
                flags.require("--permitted-token"), flags.require("--nogrant-token"), pageSize, hotEvery,
                publishers, label);
        try {
            bench.run(sizes, polls, warmup, longType);
        } catch (UnexpectedAnswerException e) {
            System.err.println("[hostile-poll] " + label + ": " + e.getMessage());
            System.exit(1);
        } finally {
            bench.client.dispatcher().executorService().shutdown();
            bench.client.connectionPool().evictAll();
        }
    }

    private void run(List<Integer> sizes, int polls, int warmup, int longType) throws Exception {
        List<String> results = new ArrayList<>();
        results.add(checkNinePercentRefused());
        publishLongType(longType);

        Map<Integer, Map<Scenario, PollBench.Timings>> bySize = new TreeMap<>();
        for (int size : sizes) {
            long start = System.nanoTime();
            publishUpTo(size);
            log("%s: %d events stored (+1 with the long type), %d about %s; loading this stage took %.1f s",
                    label, published, hotCount(published), HOT_SUBJECT, (System.nanoTime() - start) / 1e9);
            checkAnswers();
            for (int w = 0; w < warmup; w++) {
                for (Scenario s : Scenario.values()) {
                    poll(s);
                }
            }
            Map<Scenario, List<Long>> nanos = new EnumMap<>(Scenario.class);
            long measureStart = System.nanoTime();
            for (int r = 0; r < polls; r++) {
                for (Scenario s : Scenario.values()) {
                    nanos.computeIfAbsent(s, k -> new ArrayList<>()).add(poll(s));
                }
            }
            Map<Scenario, PollBench.Timings> timings = new EnumMap<>(Scenario.class);
            nanos.forEach((s, list) -> timings.put(s, PollBench.Timings.of(list)));
            bySize.put(size, timings);
            log("%s: %d: %d warmup rounds, %d measured rounds in %.1f s", label, size, warmup, polls,
                    (System.nanoTime() - measureStart) / 1e9);
            printSize(size, polls, timings, results);
        }
        printSummary(bySize, results);
        if (retried503.get() > 0) {
            log("%s: %d publish requests answered 503 and were sent again", label, retried503.get());
        }
        System.out.println();
        results.forEach(System.out::println);
    }

    private long hotCount(long events) {
        return (events + hotEvery - 1) / hotEvery;
    }

    // ------------------------------------------------------------------ report

    private void printSize(int size, int polls, Map<Scenario, PollBench.Timings> timings, List<String> results) {
        System.out.printf(Locale.ROOT, "%nhostile-poll %s: %d events stored (+1 with a long type), %d of them about %s;"
                + " after=0&size=%d; %d timed polls per scenario, interleaved; %d cores%n", label, size,
                hotCount(size), HOT_SUBJECT, pageSize, polls, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-8s %10s %-48s %10s %9s %9s %8s%n", "target", "events", "scenario", "p50 ms",
                "p99 ms", "max ms", "samples");
        for (Scenario s : Scenario.values()) {
            PollBench.Timings t = timings.get(s);
            System.out.printf(Locale.ROOT, "%-8s %10d %-48s %10.2f %9.2f %9.2f %8d%n", label, size, s.title,
                    t.percentileMillis(50), t.percentileMillis(99), t.percentileMillis(100), t.samples());
            String name = s.key + "_" + size + "_";
            results.add(result(name + "p50", t.percentileMillis(50), "ms"));
            results.add(result(name + "p99", t.percentileMillis(99), "ms"));
            results.add(result(name + "max", t.percentileMillis(100), "ms"));
        }
    }

    private void printSummary(Map<Integer, Map<Scenario, PollBench.Timings>> bySize, List<String> results) {
        System.out.printf(Locale.ROOT, "%nhostile-poll %s: (a) subject=%s with no grant against (b) the same by digdir"
                + "%n%-8s %10s %12s %12s %14s%n", label, HOT_SUBJECT, "target", "events", "(a) p50 ms", "(b) p50 ms",
                "(a)/(b) p50");
        for (Map.Entry<Integer, Map<Scenario, PollBench.Timings>> e : bySize.entrySet()) {
            double a = e.getValue().get(Scenario.SUBJECT_NOGRANT).percentileMillis(50);
            double b = e.getValue().get(Scenario.SUBJECT_PERMITTED).percentileMillis(50);
            System.out.printf(Locale.ROOT, "%-8s %10d %12.2f %12.2f %14.2f%n", label, e.getKey(), a, b, a / b);
            results.add(result("ratio_nogrant-to-permitted_" + e.getKey() + "_p50", a / b, "ratio"));
        }
        int smallest = ((TreeMap<Integer, ?>) bySize).firstKey();
        int largest = ((TreeMap<Integer, ?>) bySize).lastKey();
        if (smallest != largest) {
            System.out.printf(Locale.ROOT, "%nflatness, %s: each scenario at %d events against %d (%.0f x the events)"
                    + "%n%-48s %12s %12s%n", label, largest, smallest, (double) largest / smallest, "scenario",
                    "p50 ratio", "p99 ratio");
            for (Scenario s : Scenario.values()) {
                PollBench.Timings small = bySize.get(smallest).get(s);
                PollBench.Timings large = bySize.get(largest).get(s);
                double p50 = large.percentileMillis(50) / small.percentileMillis(50);
                double p99 = large.percentileMillis(99) / small.percentileMillis(99);
                System.out.printf(Locale.ROOT, "%-48s %12.2f %12.2f%n", s.title, p50, p99);
                if (s == Scenario.SUBJECT_NOGRANT) {
                    String name = "ratio_" + s.key + "_" + largest + "-to-" + smallest + "_";
                    results.add(result(name + "p50", p50, "ratio"));
                    results.add(result(name + "p99", p99, "ratio"));
                }
            }
            if (hotCount(smallest) < 10_000) {
                System.out.printf(Locale.ROOT, "note: at %d events %s holds %d events, fewer than the 10 000 one poll "
                        + "may examine, so (a) is not expected to be flat from there%n", smallest, HOT_SUBJECT,
                        hotCount(smallest));
            }
        }
    }

    private String result(String name, double value, String unit) {
        return String.format(Locale.ROOT, "RESULT name=%s value=%.3f unit=%s target=%s", name, value, unit, label);
    }

    // ------------------------------------------------------------------ checks

    /** The 9-% pattern must be refused with 400 (before anything is published); prints the answer. */
    private String checkNinePercentRefused() {
        Answer answer = get(nograntToken, null, TYPE_9);
        String text = answer.text().replaceAll("\\s+", " ");
        System.out.printf(Locale.ROOT, "hostile-poll %s: type=%s (9 %%) by the caller with no grant answered HTTP %d:"
                + " %s%n", label, TYPE_9, answer.code(), truncate(text));
        if (answer.code() != 400) {
            throw new UnexpectedAnswerException("type=" + TYPE_9 + " (9 %) answered HTTP " + answer.code()
                    + ", not 400: " + truncate(text));
        }
        return String.format(Locale.ROOT, "RESULT name=type-9-percent_status value=%d unit=http-status target=%s",
                answer.code(), label);
    }

    /**
     * Once per size: the callers with no grant get 200, no events and a {@code next} header; digdir gets a full
     * page of the subject.
     */
    private void checkAnswers() {
        for (Scenario s : Scenario.values()) {
            Answer answer = send(s);
            if (answer.code() != 200 || !answer.hasNext()) {
                throw new UnexpectedAnswerException(s.key + " answered HTTP " + answer.code()
                        + (answer.hasNext() ? "" : " without a next header") + ": " + truncate(answer.text()));
            }
            List<String> subjects = subjects(answer.body());
            if (s == Scenario.SUBJECT_PERMITTED) {
                long expected = Math.min(pageSize, hotCount(published));
                if (subjects.size() != expected || subjects.stream().anyMatch(x -> !HOT_SUBJECT.equals(x))) {
                    throw new UnexpectedAnswerException(s.key + " returned " + subjects.size() + " events ("
                            + subjects.stream().distinct().limit(3).toList() + "), expected " + expected
                            + " about " + HOT_SUBJECT);
                }
            } else if (!subjects.isEmpty()) {
                throw new UnexpectedAnswerException(s.key + " returned " + subjects.size() + " events to a caller"
                        + " the policy grants nothing");
            }
        }
    }

    /** The subjects of the events of a page (a JSON array of events). */
    private static List<String> subjects(byte[] body) {
        List<String> subjects = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new UnexpectedAnswerException("the page is not a JSON array");
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                String subject = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (value == JsonToken.VALUE_STRING && field.equals("subject")) {
                        subject = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
                subjects.add(subject);
            }
        } catch (IOException e) {
            throw new UnexpectedAnswerException("the page is not JSON: " + e.getMessage());
        }
        return subjects;
    }

    // ------------------------------------------------------------------ polls

    /** One timed poll of the scenario; it must answer 200 (what it holds is checked once per size). */
    private long poll(Scenario s) {
        Answer answer = send(s);
        if (answer.code() != 200) {
            throw new UnexpectedAnswerException(s.key + " answered HTTP " + answer.code() + ": "
                    + truncate(answer.text()));
        }
        return answer.nanos();
    }

    private Answer send(Scenario s) {
        return switch (s) {
            case SUBJECT_NOGRANT -> get(nograntToken, HOT_SUBJECT, null);
            case SUBJECT_PERMITTED -> get(permittedToken, HOT_SUBJECT, null);
            case TYPE_NOGRANT -> get(nograntToken, null, TYPE_8);
            case UNFILTERED_NOGRANT -> get(nograntToken, null, null);
        };
    }

    /** GET of the first page ({@code after=0}); timed from the call to the last byte of the body. */
    private Answer get(String token, String subject, String type) {
        HttpUrl.Builder url = base.newBuilder().encodedPath(EVENTS_PATH)
                .addQueryParameter("resource", RESOURCE)
                .addQueryParameter("after", "0")
                .addQueryParameter("size", String.valueOf(pageSize));
        if (subject != null) {
            url.addQueryParameter("subject", subject);
        }
        if (type != null) {
            url.addQueryParameter("type", type);
        }
        Request request = new Request.Builder().url(url.build()).header("Authorization", "Bearer " + token).get()
                .build();
        long start = System.nanoTime();
        try (Response response = client.newCall(request).execute()) {
            byte[] body = response.body().bytes();
            long took = System.nanoTime() - start;
            return new Answer(response.code(), body, response.header("next") != null, took);
        } catch (IOException e) {
            throw new UncheckedIOException("poll " + request.url(), e);
        }
    }

    // ------------------------------------------------------------------ publishing

    /** The event whose type is {@code length} characters {@code a}, published first (the first rows examined). */
    private void publishLongType(int length) {
        String event = "{\"specversion\":\"1.0\",\"id\":\"long-type\",\"source\":\"https://bench.example/hostile-poll\","
                + "\"type\":\"" + "a".repeat(length) + "\",\"subject\":\"/party/" + FIRST_PARTY + "\","
                + "\"time\":\"2026-11-27T10:00:00Z\",\"resource\":\"" + RESOURCE + "\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"n\":-1}}";
        post(RequestBody.create(event, EVENT_JSON), "the event with a " + length + "-character type");
        log("%s: published one event whose type is %d characters a", label, length);
    }

    /** Publishes events {@code published..size-1}, {@value #BATCH} per request from {@code publishers} threads. */
    private void publishUpTo(int size) throws Exception {
        long from = published;
        int batches = (int) ((size - from + BATCH - 1) / BATCH);
        AtomicLong next = new AtomicLong();
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                futures.add(pool.submit(() -> {
                    long b;
                    while ((b = next.getAndIncrement()) < batches) {
                        long first = from + b * BATCH;
                        long end = Math.min(first + BATCH, size);
                        post(RequestBody.create(batch(first, end), BATCH_JSON), "events " + first + ".." + (end - 1));
                        done.addAndGet(end - first);
                    }
                    return null;
                }));
            }
            long lastLog = System.nanoTime();
            for (Future<?> f : futures) {
                while (true) {
                    try {
                        f.get(1, TimeUnit.SECONDS);
                        break;
                    } catch (java.util.concurrent.TimeoutException e) {
                        if (System.nanoTime() - lastLog > PROGRESS_NANOS) {
                            lastLog = System.nanoTime();
                            double seconds = (lastLog - start) / 1e9;
                            log("%s: loading: %d of %d events stored (%.0f events/s)", label, from + done.get(), size,
                                    done.get() / seconds);
                        }
                    } catch (java.util.concurrent.ExecutionException e) {
                        next.set(batches); // the other publishers stop after their current batch
                        if (e.getCause() instanceof RuntimeException r) {
                            throw r;
                        }
                        throw e;
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        published = size;
        double seconds = (System.nanoTime() - start) / 1e9;
        log("%s: loaded %d events in %.1f s (%.0f events/s)", label, size - from, seconds, (size - from) / seconds);
    }

    private String batch(long first, long end) {
        StringBuilder body = new StringBuilder((int) (end - first) * 300).append('[');
        for (long n = first; n < end; n++) {
            if (n > first) {
                body.append(',');
            }
            String subject = n % hotEvery == 0 ? HOT_SUBJECT : "/party/" + (FIRST_PARTY + n % PARTIES);
            body.append("{\"specversion\":\"1.0\",\"id\":\"hostile-").append(n)
                    .append("\",\"source\":\"https://bench.example/hostile-poll\",\"type\":\"bench.polled\",")
                    .append("\"subject\":\"").append(subject)
                    .append("\",\"time\":\"2026-11-27T10:00:00Z\",\"resource\":\"").append(RESOURCE)
                    .append("\",\"datacontenttype\":\"application/json\",\"data\":{\"n\":").append(n)
                    .append("}}");
        }
        return body.append(']').toString();
    }

    /** POSTs as ttd until it answers 200; a 503 (too many publishes waiting for storage) is sent again. */
    private void post(RequestBody body, String what) {
        Request request = new Request.Builder()
                .url(base.newBuilder().encodedPath(EVENTS_PATH).build())
                .header("Authorization", "Bearer " + publishToken)
                .post(body)
                .build();
        for (int attempt = 1; ; attempt++) {
            try (Response response = client.newCall(request).execute()) {
                String answer = response.body().string();
                if (response.code() == 200) {
                    return;
                }
                if (response.code() != 503 || attempt == 100) {
                    throw new UnexpectedAnswerException("publishing " + what + " answered HTTP " + response.code()
                            + ": " + truncate(answer));
                }
                retried503.incrementAndGet();
            } catch (IOException e) {
                throw new UncheckedIOException("publishing " + what, e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while publishing", e);
            }
        }
    }

    // ------------------------------------------------------------------ plumbing

    private static String truncate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[hostile-poll] " + format + "%n", args);
    }
}
