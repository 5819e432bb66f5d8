package events.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Latency of one poll page of 1000 events that needs a policy decision per event, over HTTP against a running
 * server (bench/poll.sh starts it with bench/poll-policies). One caller, one keep-alive connection, one request at
 * a time; a request is timed from the call to the last byte of the body.
 *
 * <p>Setup publishes {@code --events} events (20 000) to each of two resources, 500 per batch request, subjects
 * {@code /party/N} with N cycling over 1000..1999 (never 666), so that any 1000 consecutive events are about 1000
 * different parties:
 * <ul>
 *   <li>{@value #RESOURCE}: its policy reads {@code urn:altinn:partyid} (a Deny rule for party 666), so the
 *       decision cache key holds the party and a page needs 1000 decisions, 1000 XACML evaluations when cold;</li>
 *   <li>{@value #CEILING_RESOURCE}: its policy reads no attribute of the event, so one cached decision covers the
 *       page: the storage + HTTP ceiling of the same page.</li>
 * </ul>
 * Every poll is {@code after=0&size=1000} as digdir and must answer 200 with 1000 events. The scenarios run
 * interleaved, in rounds (so that drift of the shared machine hits them alike), each round:
 * <ol>
 *   <li><b>cold</b>: PUT the same policy document again (a policy change on this node drops every cached
 *       decision and compiled policy at once), then one timed poll: loads and compiles the policy, then 1000
 *       evaluations. The PUT is not timed; its answer must carry a higher revision than the last one;</li>
 *   <li><b>warm</b>: two timed polls of the same page, its 1000 decisions now cached;</li>
 *   <li><b>ceiling</b>: one untimed size=1 poll of the ceiling resource (compiles its policy and caches its one
 *       decision, both dropped by the PUT), then two timed polls of its page;</li>
 *   <li><b>cold, compiled</b>: PUT again, one untimed size=1 poll (compiles the policy and caches the decision of
 *       the page's first event), then one timed poll: 999 evaluations without compiling.</li>
 * </ol>
 * The warmup runs the same rounds, untimed, for {@code --warmup} seconds.
 *
 * <p>Prints a table and one machine-readable line per figure:
 * {@code RESULT name=<label>_<scenario>_<p50|p90|p99|max|samples> value=<v> unit=<ms|requests>}.
 *
 * <p>Flags: {@code --url} base URL of the server (required; loopback only), {@code --publish-token} (ttd,
 * publish), {@code --subscribe-token} (digdir, subscribe), {@code --admin-token} (admin scope), {@code --policy}
 * the policy document PUT for the cold scenarios (bench/poll-policies/urn:altinn:resource:bench-poll.xml),
 * {@code --events} per resource (20000), {@code --warmup} seconds (30), {@code --rounds} (100), {@code --label},
 * {@code --accept-encoding} for the polls (unset: OkHttp's default, which asks for gzip and decompresses it inside
 * the timed part; {@code identity} asks for the page uncompressed).
 */
public final class PollBench {
    static final String RESOURCE = "urn:altinn:resource:bench-poll";
    static final String CEILING_RESOURCE = "urn:altinn:resource:bench-poll-all";
    private static final String DEFAULT_POLICY = "bench/poll-policies/" + RESOURCE + ".xml";
    private static final MediaType BATCH_JSON = MediaType.get("application/cloudevents-batch+json");
    private static final MediaType XML = MediaType.get("application/xml");
    private static final String EVENTS_PATH = "/events/api/v1/events";
    private static final String POLICIES_PATH = "/events/api/v1/policies/";
    private static final JsonFactory JSON = new JsonFactory();
    private static final int PAGE_SIZE = 1000;
    private static final int BATCH = 500;
    private static final int FIRST_PARTY = 1000;
    private static final int PARTIES = 1000;
    private static final double TARGET_MS = 100;
    private static final int MAX_SECONDS = 3600;

    /** The scenarios, in the order of the table. */
    enum Scenario {
        WARM("warm", "warm (1000 decisions cached)"),
        COLD("cold", "cold (policy compile + 1000 evaluations)"),
        COLD_COMPILED("cold-compiled", "cold, policy compiled (999 evaluations)"),
        CEILING("ceiling", "ceiling (1 cached decision, bench-poll-all)");

        final String key;
        final String title;

        Scenario(String key, String title) {
            this.key = key;
            this.title = title;
        }
    }

    private final OkHttpClient client;
    private final HttpUrl base;
    private final String publishToken;
    private final String subscribeToken;
    private final String adminToken;
    private final String policy;
    private final String acceptEncoding;
    private long lastRevision = -1;
    private String wireEncoding = "";
    private int bodyBytes;

    private PollBench(HttpUrl base, String publishToken, String subscribeToken, String adminToken, String policy,
                      String acceptEncoding) {
        this.base = base;
        this.acceptEncoding = acceptEncoding;
        this.publishToken = publishToken;
        this.subscribeToken = subscribeToken;
        this.adminToken = adminToken;
        this.policy = policy;
        this.client = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(2, 1, TimeUnit.MINUTES))
                .followRedirects(false)
                .retryOnConnectionFailure(false)
                .connectTimeout(Duration.ofSeconds(5))
                .callTimeout(Duration.ofSeconds(60))
                .build();
    }

    /** The server answered something other than what the benchmark needs: the figures would not be valid. */
    static final class UnexpectedAnswerException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnexpectedAnswerException(String message) {
            super(message);
        }
    }

    /** The timings of one scenario, sorted. */
    record Timings(long[] sortedNanos) {
        static Timings of(List<Long> nanos) {
            long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
            Arrays.sort(sorted);
            return new Timings(sorted);
        }

        double percentileMillis(double p) {
            int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
            return sortedNanos[Math.max(0, Math.min(rank, sortedNanos.length - 1))] / 1e6;
        }

        int samples() {
            return sortedNanos.length;
        }
    }

    public static void main(String[] args) throws Exception {
        Flags flags = Flags.parse(args);
        URI url = URI.create(flags.require("--url"));
        LoadGenerator.requireLoopback(url);
        String publishToken = flags.require("--publish-token");
        String subscribeToken = flags.require("--subscribe-token");
        String adminToken = flags.require("--admin-token");
        Path policyFile = Path.of(flags.value("--policy", DEFAULT_POLICY));
        if (!policyFile.getFileName().toString().equals(RESOURCE + ".xml")) {
            throw new IllegalArgumentException("--policy must be the policy of " + RESOURCE + " (" + RESOURCE
                    + ".xml): " + policyFile);
        }
        int events = flags.intValue("--events", 20_000, PAGE_SIZE, 1_000_000);
        int warmup = flags.intValue("--warmup", 30, 0, MAX_SECONDS);
        int rounds = flags.intValue("--rounds", 100, 1, 100_000);
        String label = flags.value("--label", url.getHost() + ":" + url.getPort()).replace(' ', '_');

        String acceptEncoding = flags.value("--accept-encoding", null);
        PollBench bench = new PollBench(HttpUrl.get(url.toString()), publishToken, subscribeToken, adminToken,
                Files.readString(policyFile), acceptEncoding);
        try {
            bench.run(label, events, warmup, rounds);
        } catch (UnexpectedAnswerException e) {
            System.err.println("[poll] " + label + ": " + e.getMessage());
            System.exit(1);
        } finally {
            bench.client.dispatcher().executorService().shutdown();
            bench.client.connectionPool().evictAll();
        }
    }

    private void run(String label, int events, int warmupSeconds, int rounds) {
        long start = System.nanoTime();
        publish(RESOURCE, events);
        publish(CEILING_RESOURCE, events);
        log("%s: published %d events to each of %s and %s in %.1f s", label, events, RESOURCE, CEILING_RESOURCE,
                (System.nanoTime() - start) / 1e9);
        checkFirstPage(RESOURCE);
        checkFirstPage(CEILING_RESOURCE);

        log("%s: %d s warmup (the measured rounds, untimed)", label, warmupSeconds);
        Map<Scenario, List<Long>> ignored = new HashMap<>();
        long warmupUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
        int warmupRounds = 0;
        while (System.nanoTime() < warmupUntil) {
            round(ignored);
            warmupRounds++;
        }
        log("%s: %d warmup rounds; measuring %d rounds", label, warmupRounds, rounds);
        Map<Scenario, List<Long>> measured = new HashMap<>();
        long measureStart = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            round(measured);
        }
        double measureSeconds = (System.nanoTime() - measureStart) / 1e9;

        System.out.printf(Locale.ROOT, "%npoll: one page of %d events (%d parties), after=0&size=%d as digdir, %d "
                + "events per resource, one connection, %d s warmup, %d rounds in %.1f s, %d cores, response %d "
                + "bytes%s, Accept-Encoding %s%n", PAGE_SIZE, PARTIES, PAGE_SIZE, events, warmupSeconds, rounds,
                measureSeconds, Runtime.getRuntime().availableProcessors(), bodyBytes,
                wireEncoding.isEmpty() ? " (not compressed)" : " (sent with Content-Encoding " + wireEncoding + ")",
                acceptEncoding == null ? "gzip (OkHttp's default)" : acceptEncoding);
        System.out.printf(Locale.ROOT, "%-8s %-46s %10s %8s %8s %8s %8s%n", "target", "scenario", "median ms",
                "p90 ms", "p99 ms", "max ms", "samples");
        List<String> results = new ArrayList<>();
        for (Scenario s : Scenario.values()) {
            Timings t = Timings.of(measured.get(s));
            System.out.printf(Locale.ROOT, "%-8s %-46s %10.2f %8.2f %8.2f %8.2f %8d%n", label, s.title,
                    t.percentileMillis(50), t.percentileMillis(90), t.percentileMillis(99), t.percentileMillis(100),
                    t.samples());
            String name = label + "_" + s.key + "_";
            results.add(result(name + "p50", t.percentileMillis(50), "ms"));
            results.add(result(name + "p90", t.percentileMillis(90), "ms"));
            results.add(result(name + "p99", t.percentileMillis(99), "ms"));
            results.add(result(name + "max", t.percentileMillis(100), "ms"));
            results.add(String.format(Locale.ROOT, "RESULT name=%ssamples value=%d unit=requests", name,
                    t.samples()));
        }
        Timings cold = Timings.of(measured.get(Scenario.COLD));
        System.out.printf(Locale.ROOT, "%ntarget (a page needing a decision per event under %.0f ms): cold median "
                + "%.2f ms, p99 %.2f ms: %s%n%n", TARGET_MS, cold.percentileMillis(50), cold.percentileMillis(99),
                cold.percentileMillis(99) < TARGET_MS ? "met"
                        : cold.percentileMillis(50) < TARGET_MS ? "met at the median, not at p99" : "not met");
        results.forEach(System.out::println);
    }

    /** One round of every scenario; adds the timed polls to {@code into}. */
    private void round(Map<Scenario, List<Long>> into) {
        putPolicy();
        add(into, Scenario.COLD, poll(RESOURCE, PAGE_SIZE));
        add(into, Scenario.WARM, poll(RESOURCE, PAGE_SIZE));
        add(into, Scenario.WARM, poll(RESOURCE, PAGE_SIZE));
        poll(CEILING_RESOURCE, 1);
        add(into, Scenario.CEILING, poll(CEILING_RESOURCE, PAGE_SIZE));
        add(into, Scenario.CEILING, poll(CEILING_RESOURCE, PAGE_SIZE));
        putPolicy();
        poll(RESOURCE, 1);
        add(into, Scenario.COLD_COMPILED, poll(RESOURCE, PAGE_SIZE));
    }

    private static void add(Map<Scenario, List<Long>> into, Scenario s, long nanos) {
        into.computeIfAbsent(s, k -> new ArrayList<>()).add(nanos);
    }

    // ------------------------------------------------------------------ HTTP

    /** Publishes {@code count} events to {@code resource} as ttd, {@value #BATCH} per request; each must answer 200. */
    private void publish(String resource, int count) {
        String shortName = resource.substring(resource.lastIndexOf(':') + 1);
        for (int first = 0; first < count; first += BATCH) {
            StringBuilder body = new StringBuilder(BATCH * 300).append('[');
            for (int n = first; n < Math.min(first + BATCH, count); n++) {
                if (n > first) {
                    body.append(',');
                }
                body.append("{\"specversion\":\"1.0\",\"id\":\"").append(shortName).append('-').append(n)
                        .append("\",\"source\":\"https://bench.example/poll\",\"type\":\"bench.polled\",")
                        .append("\"subject\":\"/party/").append(FIRST_PARTY + n % PARTIES)
                        .append("\",\"time\":\"2026-11-27T10:00:00Z\",\"resource\":\"").append(resource)
                        .append("\",\"datacontenttype\":\"application/json\",\"data\":{\"n\":").append(n)
                        .append("}}");
            }
            body.append(']');
            Request request = new Request.Builder()
                    .url(base.newBuilder().encodedPath(EVENTS_PATH).build())
                    .header("Authorization", "Bearer " + publishToken)
                    .post(RequestBody.create(body.toString(), BATCH_JSON))
                    .build();
            try (Response response = client.newCall(request).execute()) {
                String answer = response.body().string();
                if (response.code() != 200) {
                    throw new UnexpectedAnswerException("publishing events " + first + ".." + (first + BATCH - 1)
                            + " to " + resource + " answered HTTP " + response.code() + ": " + truncate(answer));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("publishing to " + resource, e);
            }
        }
    }

    /** PUTs the policy document again, which drops the node's caches; checks that the revision moved on. */
    private void putPolicy() {
        Request request = new Request.Builder()
                .url(base.newBuilder().encodedPath(POLICIES_PATH + RESOURCE).build())
                .header("Authorization", "Bearer " + adminToken)
                .put(RequestBody.create(policy, XML))
                .build();
        try (Response response = client.newCall(request).execute()) {
            String answer = response.body().string();
            if (response.code() != 200) {
                throw new UnexpectedAnswerException("PUT of the policy of " + RESOURCE + " answered HTTP "
                        + response.code() + ": " + truncate(answer));
            }
            long revision = revision(answer);
            if (revision <= lastRevision) {
                throw new UnexpectedAnswerException("PUT of the policy of " + RESOURCE + " answered revision "
                        + revision + " after revision " + lastRevision + ": the caches may not have been dropped");
            }
            lastRevision = revision;
        } catch (IOException e) {
            throw new UncheckedIOException("PUT of the policy", e);
        }
    }

    /**
     * One poll of {@code after=0&size=size} as digdir; returns nanoseconds from the call to the last byte of the
     * body. It must answer 200 with exactly {@code size} events (counted after the clock stops).
     */
    private long poll(String resource, int size) {
        Request request = pollRequest(resource, size);
        byte[] body;
        long took;
        String encoding;
        long start = System.nanoTime();
        try (Response response = client.newCall(request).execute()) {
            body = response.body().bytes();
            took = System.nanoTime() - start;
            if (response.code() != 200) {
                throw new UnexpectedAnswerException("poll of " + resource + " (size " + size + ") answered HTTP "
                        + response.code() + ": " + truncate(new String(body, StandardCharsets.UTF_8)));
            }
            Response network = response.networkResponse();
            encoding = network == null ? null : network.header("Content-Encoding");
        } catch (IOException e) {
            throw new UncheckedIOException("poll of " + resource, e);
        }
        int events = countEvents(body);
        if (events != size) {
            throw new UnexpectedAnswerException("poll of " + resource + " (size " + size + ") returned " + events
                    + " events instead of " + size);
        }
        if (size == PAGE_SIZE) {
            wireEncoding = encoding == null ? "" : encoding;
            bodyBytes = body.length;
        }
        return took;
    }

    private Request pollRequest(String resource, int size) {
        Request.Builder request = new Request.Builder()
                .url(base.newBuilder().encodedPath(EVENTS_PATH)
                        .addQueryParameter("resource", resource)
                        .addQueryParameter("after", "0")
                        .addQueryParameter("size", String.valueOf(size))
                        .build())
                .header("Authorization", "Bearer " + subscribeToken)
                .get();
        if (acceptEncoding != null) {
            // Set by hand, OkHttp neither adds its own "gzip" nor decompresses.
            request.header("Accept-Encoding", acceptEncoding);
        }
        return request.build();
    }

    /** Checks once that the first page holds 1000 events of the resource about 1000 parties, none of them 666. */
    private void checkFirstPage(String resource) {
        byte[] body;
        try (Response response = client.newCall(pollRequest(resource, PAGE_SIZE)).execute()) {
            body = response.body().bytes();
            if (response.code() != 200) {
                throw new UnexpectedAnswerException("first poll of " + resource + " answered HTTP " + response.code()
                        + ": " + truncate(new String(body, StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("poll of " + resource, e);
        }
        Set<String> subjects = new HashSet<>();
        int events = 0;
        try (JsonParser p = JSON.createParser(body)) {
            expect(p.nextToken(), JsonToken.START_ARRAY);
            while (p.nextToken() == JsonToken.START_OBJECT) {
                events++;
                String eventResource = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (value == JsonToken.VALUE_STRING && field.equals("subject")) {
                        subjects.add(p.getText());
                    } else if (value == JsonToken.VALUE_STRING && field.equals("resource")) {
                        eventResource = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
                if (!resource.equals(eventResource)) {
                    throw new UnexpectedAnswerException("the first page of " + resource + " holds an event of "
                            + eventResource);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the first page of " + resource, e);
        }
        if (events != PAGE_SIZE || subjects.size() != PARTIES || subjects.contains("/party/666")) {
            throw new UnexpectedAnswerException("the first page of " + resource + " holds " + events + " events about "
                    + subjects.size() + " subjects; expected " + PAGE_SIZE + " about " + PARTIES + " parties");
        }
    }

    /** The number of elements of the JSON array {@code body}, each an object (not parsed further). */
    static int countEvents(byte[] body) {
        try (JsonParser p = JSON.createParser(body)) {
            expect(p.nextToken(), JsonToken.START_ARRAY);
            int count = 0;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
                p.skipChildren();
                count++;
            }
            expect(t, JsonToken.END_ARRAY);
            return count;
        } catch (IOException e) {
            throw new UnexpectedAnswerException("the page is not a JSON array of events: " + e.getMessage());
        }
    }

    private static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new UnexpectedAnswerException("expected " + expected + " in the page, found " + actual);
        }
    }

    private static long revision(String answer) {
        try (JsonParser p = JSON.createParser(answer)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("revision")) {
                    return p.getLongValue();
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            throw new UnexpectedAnswerException("the PUT answer is not JSON: " + truncate(answer));
        }
        throw new UnexpectedAnswerException("the PUT answer has no revision: " + truncate(answer));
    }

    // ------------------------------------------------------------------ plumbing

    private static String result(String name, double value, String unit) {
        return String.format(Locale.ROOT, "RESULT name=%s value=%.3f unit=%s", name, value, unit);
    }

    private static String truncate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[poll] " + format + "%n", args);
    }
}
