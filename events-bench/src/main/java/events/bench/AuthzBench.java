package events.bench;

import events.authz.xacml.XacmlAuthorizer;
import events.domain.CloudEvent;
import events.ports.AccessRequest;
import events.ports.Action;
import events.ports.Caller;
import events.testkit.InMemoryPolicyStore;
import events.testkit.TestEvents;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decision throughput of {@link XacmlAuthorizer} on one policy, in process, without HTTP or a database.
 * After a warmup that runs every scenario, it measures:
 * <ul>
 *   <li><b>uncached</b>: every request has a party (subject {@code /party/N}, N never repeated) the policy reads,
 *       so no decision can come from the cache and each one is a Balana evaluation. The authorizer keeps its
 *       server defaults (100 000 cached decisions, 30 s); the run asks far more distinct keys than that. Requests
 *       alternate between ttd publishing (permit) and digdir subscribing (deny), and are built in chunks outside
 *       the timed part: the figure is the time spent in {@code decide}.</li>
 *   <li><b>cached</b>: the same 100 requests (50 parties, both kinds) over and over, all of them cached.</li>
 *   <li><b>batch</b>: one {@code decide} call with a poll page of 1000 subscribe requests (1000 events, subjects
 *       cycling over 50 parties, one of them 1337): cold on a fresh authorizer whose policy is already compiled,
 *       cold on a fresh authorizer that also compiles the policy, and warm (the same page again).</li>
 * </ul>
 * Uncached and cached run with 1 and with 2 threads, one call per decision. Every answer is checked against
 * what the example policy says; a wrong answer fails the run.
 *
 * <p>Prints a table and one machine-readable line per figure: {@code RESULT name=<n> value=<v> unit=<u>}.
 *
 * <p>Flags: {@code --policy} file (examples/policies/urn:altinn:resource:ttd-svc.xml; the resource URN is the file
 * name without {@code .xml}; the policy must behave like the example: ttd publishes, digdir subscribes to
 * /party/1337 only), {@code --seconds} per measurement (10), {@code --warmup} seconds (10),
 * {@code --batch-repetitions} (200).
 */
public final class AuthzBench {
    private static final String DEFAULT_POLICY = "examples/policies/urn:altinn:resource:ttd-svc.xml";
    private static final int MAX_SECONDS = 600;
    private static final long CACHE_SIZE = 100_000; // XacmlAuthorizer's default maxDecisions
    private static final int CHUNK = 256;
    private static final int CACHED_PARTIES = 50;
    private static final int PAGE_SIZE = 1000;
    private static final int PAGE_PARTIES = 50;
    private static final int FIRST_PARTY = 1300; // cached and page parties: 1300..1349, so 1337 is one of them
    private static final long FIRST_UNCACHED_PARTY = 10_000_000L;
    private static final String PERMITTED_PARTY = "1337";

    private static final Caller TTD = new Caller("/org/ttd", Set.of(Caller.SCOPE_PUBLISH),
            Map.of("urn:altinn:org", "ttd"));
    private static final Caller DIGDIR = new Caller("/org/digdir", Set.of(Caller.SCOPE_SUBSCRIBE),
            Map.of("urn:altinn:org", "digdir"));

    private final InMemoryPolicyStore store;
    private final CloudEvent template;
    /** Numbers of the uncached requests; shared by all threads so that no key is ever asked twice. */
    private final AtomicLong uncachedKeys = new AtomicLong();
    private final AccessRequest[] cachedSet;
    private final boolean[] cachedExpected;
    private final List<AccessRequest> page;
    private final long pagePermits;

    private AuthzBench(InMemoryPolicyStore store, String resource) {
        this.store = store;
        this.template = TestEvents.anEvent().resource(resource).build();
        this.cachedSet = new AccessRequest[2 * CACHED_PARTIES];
        this.cachedExpected = new boolean[cachedSet.length];
        for (int i = 0; i < cachedSet.length; i++) {
            String party = String.valueOf(FIRST_PARTY + i / 2);
            boolean publish = i % 2 == 1;
            CloudEvent event = template.toBuilder().id("cached-" + i).subject("/party/" + party).build();
            cachedSet[i] = publish ? AccessRequest.forEvent(TTD, Action.PUBLISH, event)
                    : AccessRequest.forEvent(DIGDIR, Action.SUBSCRIBE, event);
            cachedExpected[i] = publish || party.equals(PERMITTED_PARTY);
        }
        List<AccessRequest> requests = new ArrayList<>(PAGE_SIZE);
        long permits = 0;
        for (int i = 0; i < PAGE_SIZE; i++) {
            String party = String.valueOf(FIRST_PARTY + i % PAGE_PARTIES);
            requests.add(AccessRequest.forEvent(DIGDIR, Action.SUBSCRIBE,
                    template.toBuilder().id("page-" + i).subject("/party/" + party).build()));
            permits += party.equals(PERMITTED_PARTY) ? 1 : 0;
        }
        this.page = List.copyOf(requests);
        this.pagePermits = permits;
    }

    /** What the threads of one measurement did: decisions, nanoseconds inside decide, permits, wrong answers. */
    record Measurement(long[] decisions, long[] nanos, long permits, long wrong, long gcMillis) {
        long total() {
            return Arrays.stream(decisions).sum();
        }

        /** The sum of every thread's own rate (each thread's decisions over its own time in decide). */
        double decisionsPerSecond() {
            double rate = 0;
            for (int t = 0; t < decisions.length; t++) {
                rate += decisions[t] / (nanos[t] / 1e9);
            }
            return rate;
        }

        /** The mean time of one decide call as a thread sees it. */
        double meanMicros() {
            double sum = 0;
            for (int t = 0; t < decisions.length; t++) {
                sum += nanos[t] / 1e3 / decisions[t];
            }
            return sum / decisions.length;
        }
    }

    /** One figure of the batch scenario: a call's duration, over repetitions. */
    record Timings(long[] sortedNanos) {
        double percentileMillis(double p) {
            int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
            return sortedNanos[Math.max(0, Math.min(rank, sortedNanos.length - 1))] / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        Flags flags = Flags.parse(args);
        int seconds = flags.intValue("--seconds", 10, 1, MAX_SECONDS);
        int warmup = flags.intValue("--warmup", 10, 0, MAX_SECONDS);
        int repetitions = flags.intValue("--batch-repetitions", 200, 1, 100_000);
        Path policyFile = Path.of(flags.value("--policy", DEFAULT_POLICY));
        String fileName = policyFile.getFileName().toString();
        if (!fileName.endsWith(".xml")) {
            throw new IllegalArgumentException("--policy must name a file <resource urn>.xml: " + policyFile);
        }
        String resource = fileName.substring(0, fileName.length() - ".xml".length());
        String document = Files.readString(policyFile);

        InMemoryPolicyStore store = new InMemoryPolicyStore();
        store.put(resource, document);
        AuthzBench bench = new AuthzBench(store, resource);
        long nanos = seconds * 1_000_000_000L;
        List<String[]> rows = new ArrayList<>();
        List<String> results = new ArrayList<>();
        long wrong = 0;

        try (XacmlAuthorizer authorizer = XacmlAuthorizer.builder(store).build()) {
            authorizer.check(resource, document);
            log("warmup %d s (every scenario, interleaved)", warmup);
            wrong += bench.warmup(authorizer, warmup * 1_000_000_000L);
            long keysBefore = bench.uncachedKeys.get();

            for (int threads : new int[] {1, 2}) {
                log("uncached, %d thread(s), %d s", threads, seconds);
                Measurement m = bench.runThreads(threads, nanos, t -> bench.uncached(authorizer, t));
                wrong += m.wrong();
                rows.add(row("uncached (every key new)", threads, m));
                results.add(result("uncached_" + threads + "t_rate", m.decisionsPerSecond(), "decisions/s"));
                results.add(result("uncached_" + threads + "t_mean", m.meanMicros(), "us"));
            }
            long keysMeasured = bench.uncachedKeys.get() - keysBefore;

            for (int threads : new int[] {1, 2}) {
                log("cached, %d thread(s), %d s", threads, seconds);
                Measurement m = bench.runThreads(threads, nanos, t -> bench.cached(authorizer, t));
                wrong += m.wrong();
                rows.add(row("cached (100 keys)", threads, m));
                results.add(result("cached_" + threads + "t_rate", m.decisionsPerSecond(), "decisions/s"));
                results.add(result("cached_" + threads + "t_mean", m.meanMicros(), "us"));
            }

            log("batch of %d, %d repetitions", PAGE_SIZE, repetitions);
            Timings[] batch = new Timings[3];
            wrong += bench.batches(repetitions, batch);

            System.out.printf(Locale.ROOT, "%nauthz: XACML decisions on %s, %d s per measurement after %d s warmup, "
                    + "%d cores, one decide call per decision%n", resource, seconds, warmup,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf(Locale.ROOT, "%-26s %7s %12s %14s %12s %9s %7s%n", "scenario", "threads",
                    "decisions/s", "mean us/call", "decisions", "permits", "gc ms");
            for (String[] r : rows) {
                System.out.printf(Locale.ROOT, "%-26s %7s %12s %14s %12s %9s %7s%n", (Object[]) r);
            }
            System.out.printf(Locale.ROOT, "%nauthz: one decide call with a page of %d subscribe requests "
                    + "(%d parties, %d permits), %d repetitions%n", PAGE_SIZE, PAGE_PARTIES, bench.pagePermits,
                    repetitions);
            System.out.printf(Locale.ROOT, "%-42s %10s %8s%n", "page", "median ms", "p99 ms");
            String[][] names = {
                {"cold (fresh authorizer, policy compiled)", "batch1000_cold"},
                {"cold, including compiling the policy", "batch1000_cold_compile"},
                {"warm (the same page again)", "batch1000_warm"},
            };
            for (int i = 0; i < batch.length; i++) {
                System.out.printf(Locale.ROOT, "%-42s %10.3f %8.3f%n", names[i][0], batch[i].percentileMillis(50),
                        batch[i].percentileMillis(99));
                results.add(result(names[i][1] + "_p50", batch[i].percentileMillis(50), "ms"));
                results.add(result(names[i][1] + "_p99", batch[i].percentileMillis(99), "ms"));
            }
            System.out.printf(Locale.ROOT, "%nuncached: %d distinct keys asked while measuring (%d in all), "
                    + "each once; the decision cache holds %d (server default size), so none could be reused%n",
                    keysMeasured, bench.uncachedKeys.get(), CACHE_SIZE);
            System.out.printf(Locale.ROOT, "uncached requests are built outside the timed part; with 2 threads "
                    + "the rate is the sum of each thread's rate; gc ms: collector time during the measurement%n");
            System.out.printf(Locale.ROOT, "wrong answers: %d%n%n", wrong);
            results.forEach(System.out::println);
        }
        if (wrong != 0) {
            System.err.println("the authorizer gave " + wrong + " wrong answers; the figures are not valid");
            System.exit(1);
        }
    }

    // ------------------------------------------------------------------ scenarios

    /** Runs every scenario, interleaved, until {@code nanos} have passed; returns the wrong answers. */
    private long warmup(XacmlAuthorizer authorizer, long nanos) {
        long until = System.nanoTime() + nanos;
        long wrong = 0;
        Timings[] ignored = new Timings[3];
        for (int round = 0; System.nanoTime() < until; round++) {
            long sliceEnd = System.nanoTime() + 100_000_000L;
            wrong += uncached(authorizer, sliceEnd).wrong();
            wrong += cached(authorizer, System.nanoTime() + 100_000_000L).wrong();
            if (round % 5 == 0) {
                wrong += batches(2, ignored);
            }
        }
        return wrong;
    }

    /** One thread asking never-seen keys until {@code until}. */
    private Measurement uncached(XacmlAuthorizer authorizer, long until) {
        AccessRequest[] chunk = new AccessRequest[CHUNK];
        long decisions = 0;
        long busy = 0;
        long permits = 0;
        long wrong = 0;
        while (System.nanoTime() < until) {
            long first = uncachedKeys.getAndAdd(CHUNK);
            for (int i = 0; i < CHUNK; i++) {
                chunk[i] = uncachedRequest(first + i);
            }
            long start = System.nanoTime();
            for (int i = 0; i < CHUNK; i++) {
                boolean permitted = authorizer.decide(List.of(chunk[i])).get(0);
                permits += permitted ? 1 : 0;
                wrong += permitted == (((first + i) & 1) == 1) ? 0 : 1; // odd: ttd publishes, even: digdir is denied
            }
            busy += System.nanoTime() - start;
            decisions += CHUNK;
        }
        return new Measurement(new long[] {decisions}, new long[] {busy}, permits, wrong, 0);
    }

    /** Request number {@code n}: ttd publishing (odd n) or digdir subscribing (even n), about party 10 000 000 + n. */
    private AccessRequest uncachedRequest(long n) {
        long party = FIRST_UNCACHED_PARTY + n;
        CloudEvent event = template.toBuilder().id("uncached-" + n).subject("/party/" + party).build();
        return (n & 1) == 1 ? AccessRequest.forEvent(TTD, Action.PUBLISH, event)
                : AccessRequest.forEvent(DIGDIR, Action.SUBSCRIBE, event);
    }

    /** One thread cycling through the cached set until {@code until}. */
    private Measurement cached(XacmlAuthorizer authorizer, long until) {
        long decisions = 0;
        long permits = 0;
        long wrong = 0;
        int i = 0;
        long start = System.nanoTime();
        long now;
        do {
            for (int k = 0; k < 64; k++) {
                boolean permitted = authorizer.decide(List.of(cachedSet[i])).get(0);
                permits += permitted ? 1 : 0;
                wrong += permitted == cachedExpected[i] ? 0 : 1;
                i = i + 1 == cachedSet.length ? 0 : i + 1;
            }
            decisions += 64;
            now = System.nanoTime();
        } while (now < until);
        return new Measurement(new long[] {decisions}, new long[] {now - start}, permits, wrong, 0);
    }

    /**
     * {@code repetitions} times: a fresh authorizer with the policy compiled (one unrelated decision), the page
     * cold, then warm three times; and a fresh authorizer asked the page first (cold with compiling). Fills
     * {@code into} with cold, cold-with-compile and warm timings; returns the wrong answers.
     */
    private long batches(int repetitions, Timings[] into) {
        long[] cold = new long[repetitions];
        long[] coldCompile = new long[repetitions];
        long[] warm = new long[3 * repetitions];
        long wrong = 0;
        AccessRequest unrelated = AccessRequest.forEvent(TTD, Action.PUBLISH,
                template.toBuilder().id("unrelated").subject("/party/1").build());
        for (int r = 0; r < repetitions; r++) {
            try (XacmlAuthorizer fresh = XacmlAuthorizer.builder(store).build()) {
                wrong += fresh.decide(List.of(unrelated)).get(0) ? 0 : 1;
                long start = System.nanoTime();
                List<Boolean> answers = fresh.decide(page);
                cold[r] = System.nanoTime() - start;
                wrong += pageWrong(answers);
                for (int w = 0; w < 3; w++) {
                    start = System.nanoTime();
                    answers = fresh.decide(page);
                    warm[3 * r + w] = System.nanoTime() - start;
                    wrong += pageWrong(answers);
                }
            }
            try (XacmlAuthorizer fresh = XacmlAuthorizer.builder(store).build()) {
                long start = System.nanoTime();
                List<Boolean> answers = fresh.decide(page);
                coldCompile[r] = System.nanoTime() - start;
                wrong += pageWrong(answers);
            }
        }
        into[0] = timings(cold);
        into[1] = timings(coldCompile);
        into[2] = timings(warm);
        return wrong;
    }

    private long pageWrong(List<Boolean> answers) {
        long wrong = 0;
        for (int i = 0; i < Math.min(answers.size(), page.size()); i++) {
            boolean expected = String.valueOf(FIRST_PARTY + i % PAGE_PARTIES).equals(PERMITTED_PARTY);
            wrong += answers.get(i) == expected ? 0 : 1;
        }
        return wrong + Math.abs(answers.size() - page.size());
    }

    // ------------------------------------------------------------------ plumbing

    private interface Scenario {
        Measurement run(long until);
    }

    /** Starts {@code threads} threads at once, each running {@code scenario} for {@code nanos}. */
    private Measurement runThreads(int threads, long nanos, Scenario scenario) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong startAt = new AtomicLong();
        Measurement[] parts = new Measurement[threads];
        RuntimeException[] failures = new RuntimeException[threads];
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int index = t;
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                    parts[index] = scenario.run(startAt.get() + nanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    failures[index] = e;
                }
            }, "authz-bench-" + t);
            thread.start();
            started.add(thread);
        }
        long gcBefore = gcMillis();
        startAt.set(System.nanoTime());
        go.countDown();
        for (Thread thread : started) {
            thread.join();
        }
        long gc = gcMillis() - gcBefore;
        long[] decisions = new long[threads];
        long[] busy = new long[threads];
        long permits = 0;
        long wrong = 0;
        for (int t = 0; t < threads; t++) {
            if (failures[t] != null) {
                throw failures[t];
            }
            decisions[t] = parts[t].decisions()[0];
            busy[t] = parts[t].nanos()[0];
            permits += parts[t].permits();
            wrong += parts[t].wrong();
        }
        return new Measurement(decisions, busy, permits, wrong, gc);
    }

    /** Milliseconds the JVM's collectors have spent collecting, in all. */
    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    private static Timings timings(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Timings(sorted);
    }

    private static String[] row(String scenario, int threads, Measurement m) {
        return new String[] {
            scenario,
            String.valueOf(threads),
            String.format(Locale.ROOT, "%.0f", m.decisionsPerSecond()),
            String.format(Locale.ROOT, "%.2f", m.meanMicros()),
            String.valueOf(m.total()),
            String.valueOf(m.permits()),
            String.valueOf(m.gcMillis()),
        };
    }

    private static String result(String name, double value, String unit) {
        return String.format(Locale.ROOT, "RESULT name=%s value=%s unit=%s", name,
                value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.3f", value),
                unit);
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[authz] " + format + "%n", args);
    }
}
