package events.server;

import static org.assertj.core.api.Assertions.assertThat;

import events.adapters.jdbc.PostgresDatabase;
import events.testkit.WebhookReceiver;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three server processes on one PostgreSQL schema with a real webhook receiver: events are published through all
 * three, the node that dispatches is SIGKILLed mid-run, and still every acknowledged event reaches every
 * subscription (created through different nodes) and is polled back exactly once from each surviving node. One
 * endpoint is slow and fails every first attempt, so that retries, claimed by whichever node owns its partition,
 * add to first attempts: across the three nodes it never has more attempts in flight than the per-endpoint bound.
 */
class PostgresClusterIT {
    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();
    private static final int NODES = 3;
    private static final int TARGET = 2_000;
    private static final int KILL_AT = 700;
    /** What a node logs when its share of the endpoint partitions changes, among this many processes. */
    private static String sharedAmong(int processes) {
        return "(" + processes + " delivering processes)";
    }
    /** EVENTS_WEBHOOK_CONCURRENCY here: attempts in flight at once to one endpoint, for the whole cluster. */
    private static final int PER_ENDPOINT = 4;

    @TempDir
    Path dataDir;

    @Test
    void everyAcknowledgedEventReachesEverySubscriptionWhenTheDispatchingNodeIsKilled() throws Exception {
        try (PostgresDatabase.Schema schema = POSTGRES.newSchema();
             WebhookReceiver receiver = WebhookReceiver.closingEachConnection()) {
            Map<String, String> env = new HashMap<>(ServerProcessIT.env(dataDir));
            env.put("EVENTS_DB_URL", schema.jdbcUrl());
            env.put("EVENTS_DB_USER", schema.user());
            if (schema.password() != null) {
                env.put("EVENTS_DB_PASSWORD", schema.password());
            }
            env.put("EVENTS_JWT_SECRET", "cluster-test-secret-cluster-test-secret!");
            env.put("EVENTS_SECRET_KEY", java.util.Base64.getEncoder().encodeToString(
                    events.support.SecretBox.generateKey())); // the same on every node, as the README says
            env.put("EVENTS_WEBHOOK_ALLOW_HTTP", "true");
            env.put("EVENTS_WEBHOOK_ALLOW_PRIVATE", "true");
            env.put("EVENTS_WEBHOOK_TIMEOUT", "2s");
            env.put("EVENTS_RETRY_SCHEDULE", "1s,1s,1s");
            env.put("EVENTS_WEBHOOK_CONCURRENCY", String.valueOf(PER_ENDPOINT));
            String token = ServerProcessIT.mintToken(env);

            List<ServerProcess> nodes = new ArrayList<>();
            try {
                // Each node dispatches to, and pushes to, the endpoints of its share of the partitions.
                for (int n = 0; n < NODES; n++) {
                    nodes.add(ServerProcess.serve(env));
                }
                run(nodes, token, receiver);
            } finally {
                for (ServerProcess node : nodes) {
                    node.close();
                }
            }
        }
    }

    private void run(List<ServerProcess> nodes, String token, WebhookReceiver receiver) throws Exception {
        String a = WebhookCrashIT.subscribe(nodes.get(0).baseUrl(), token, receiver.url("/a"));
        String b = WebhookCrashIT.subscribe(nodes.get(1).baseUrl(), token, receiver.url("/b"));
        // The slow endpoint answers after 10 ms: 500 to the first attempt of each webhook-id, then 200.
        Set<String> tried = ConcurrentHashMap.newKeySet();
        AtomicInteger slowInFlight = new AtomicInteger();
        AtomicInteger slowMost = new AtomicInteger();
        List<WebhookReceiver.Received> slowDelivered = new CopyOnWriteArrayList<>();
        receiver.answer(r -> {
            if (!r.path().equals("/slow")) {
                return 200;
            }
            slowMost.accumulateAndGet(slowInFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                slowInFlight.decrementAndGet();
            }
            if (tried.add(r.header("webhook-id"))) {
                return 500;
            }
            slowDelivered.add(r);
            return 200;
        });
        String slow = WebhookCrashIT.subscribe(nodes.get(2).baseUrl(), token, receiver.url("/slow"));
        WebhookCrashIT.awaitActive(nodes.get(2).baseUrl(), token, a);
        WebhookCrashIT.awaitActive(nodes.get(2).baseUrl(), token, b);
        WebhookCrashIT.awaitActive(nodes.get(0).baseUrl(), token, slow);

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicReferenceArray<Boolean> alive = new AtomicReferenceArray<>(new Boolean[] {true, true, true});
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> publishers = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int thread = t;
            Thread publisher = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    int node = (thread + i) % NODES;
                    if (!alive.get(node)) {
                        continue;
                    }
                    String id = "k" + thread + "-" + i;
                    try {
                        if (ServerProcessIT.publish(nodes.get(node).baseUrl(), token, id).statusCode() == 200) {
                            acknowledged.add(id);
                        }
                    } catch (IOException e) {
                        // that node was killed: unknown whether it stored the event, so it is not counted
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "publisher-" + t);
            publisher.start();
            publishers.add(publisher);
        }
        Await.until(() -> acknowledged.size() >= KILL_AT, Duration.ofSeconds(60), KILL_AT + " acknowledged");
        assertThat(nodes.get(0).output()).as("node 0 has its share").contains(sharedAmong(NODES));
        alive.set(0, false);
        nodes.get(0).kill();
        int atKill = acknowledged.size();
        Await.until(() -> acknowledged.size() >= TARGET, Duration.ofSeconds(120), TARGET + " acknowledged");
        stop.set(true);
        for (Thread p : publishers) {
            p.join(30_000);
        }

        Function<String, Set<String>> pushedTo = path -> receiver.received(r -> r.path().equals(path)
                        && !WebhookCrashIT.isValidation(r)).stream()
                .map(r -> EventsHttpClient.json(r.body()).path("id").asText()).collect(Collectors.toSet());
        Supplier<Set<String>> deliveredToSlow = () -> slowDelivered.stream().filter(r -> !WebhookCrashIT.isValidation(r))
                .map(r -> EventsHttpClient.json(r.body()).path("id").asText()).collect(Collectors.toSet());
        Await.until(() -> pushedTo.apply("/a").containsAll(acknowledged)
                        && pushedTo.apply("/b").containsAll(acknowledged)
                        && deliveredToSlow.get().containsAll(acknowledged),
                Duration.ofSeconds(90), "every acknowledged event pushed to every subscription");
        for (String path : List.of("/a", "/b")) {
            Set<String> missing = new TreeSet<>(acknowledged);
            missing.removeAll(pushedTo.apply(path));
            assertThat(missing).as("acknowledged events never pushed to " + path).isEmpty();
        }
        assertThat(slowMost.get()).as("attempts in flight at once to /slow, from all three nodes")
                .isBetween(1, PER_ENDPOINT);
        assertThat(nodes.subList(1, NODES)).as("the surviving nodes took node 0's partitions over")
                .allSatisfy(node -> assertThat(node.output().lastIndexOf(sharedAmong(NODES - 1)))
                        .isGreaterThan(node.output().lastIndexOf(sharedAmong(NODES))));
        for (int n = 1; n < NODES; n++) {
            List<String> polled = ServerProcessIT.pollAll(nodes.get(n).baseUrl(), token);
            assertThat(polled).as("polled from node " + n).doesNotHaveDuplicates().containsAll(acknowledged);
        }
        long pushesA = receiver.received(r -> r.path().equals("/a") && !WebhookCrashIT.isValidation(r)).size();
        long pushesB = receiver.received(r -> r.path().equals("/b") && !WebhookCrashIT.isValidation(r)).size();
        long slowSuccesses = slowDelivered.stream().filter(r -> !WebhookCrashIT.isValidation(r)).count();
        System.out.printf("PostgresClusterIT: %d acknowledged (%d before node 0 was killed);"
                + " /a %d pushes, %d duplicates; /b %d pushes, %d duplicates; /slow %d answered 200, %d duplicates,"
                + " at most %d attempts in flight (bound %d)%n", acknowledged.size(), atKill,
                pushesA, pushesA - pushedTo.apply("/a").size(), pushesB, pushesB - pushedTo.apply("/b").size(),
                slowSuccesses, slowSuccesses - deliveredToSlow.get().size(), slowMost.get(), PER_ENDPOINT);
    }
}
