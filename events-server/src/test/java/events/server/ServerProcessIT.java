package events.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar as an operator runs it: start, mint a token, publish, SIGKILL, restart, poll. */
class ServerProcessIT {
    private static final String SCOPES = "altinn:events.publish altinn:events.subscribe";
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

    @TempDir
    Path dataDir;

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Map<String, String> env() {
        return env(dataDir);
    }

    /**
     * The environment of a server on a free port with its data in {@code dataDir}, and a policy (loaded at
     * start) that lets ttd publish and poll resource {@code urn:altinn:resource:it}.
     */
    static Map<String, String> env(Path dataDir) {
        Map<String, String> env = new HashMap<>();
        env.put("EVENTS_PORT", "0");
        env.put("EVENTS_DATA_DIR", dataDir.toString());
        env.put("EVENTS_POLICY_DIR",
                TestPolicies.writePermitOrg(dataDir.resolve("policies"), "urn:altinn:resource:it", "ttd").toString());
        return env;
    }

    @Test
    void everyAcknowledgedEventSurvivesKill9OnH2() throws Exception {
        publishKillRestartAndPollEverythingBack(env());
    }

    /** Publishes from 6 threads, SIGKILLs the server mid-load, restarts it and polls every acknowledged event back. */
    static void publishKillRestartAndPollEverythingBack(Map<String, String> env) throws Exception {
        String token = mintToken(env);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        try (ServerProcess server = ServerProcess.serve(env)) {
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch enoughAcknowledged = new CountDownLatch(500);
            List<Thread> publishers = new ArrayList<>();
            ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            for (int t = 0; t < 6; t++) {
                int thread = t;
                Thread publisher = new Thread(() -> {
                    for (int i = 0; !stop.get() && i < 100_000; i++) {
                        String id = "p" + thread + "-" + i;
                        try {
                            HttpResponse<String> r = publish(server.baseUrl(), token, id);
                            if (r.statusCode() == 200) {
                                acknowledged.add(id);
                                enoughAcknowledged.countDown();
                            } else {
                                unexpected.add(new AssertionError("status " + r.statusCode() + ": " + r.body()));
                                while (enoughAcknowledged.getCount() > 0) {
                                    enoughAcknowledged.countDown();
                                }
                                return;
                            }
                        } catch (IOException e) {
                            return; // the server was killed
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                publisher.start();
                publishers.add(publisher);
            }
            enoughAcknowledged.await(60, TimeUnit.SECONDS);
            server.kill();
            stop.set(true);
            for (Thread p : publishers) {
                p.join(30_000);
            }
            assertThat(unexpected).isEmpty();
            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(500);
        }
        try (ServerProcess restarted = ServerProcess.serve(env)) {
            List<String> polled = pollAll(restarted.baseUrl(), token);
            assertThat(new HashSet<>(polled)).as("no event is returned twice").hasSize(polled.size());
            assertThat(polled).containsAll(acknowledged);
        }
    }

    @Test
    void generatesTheSecretOnceAndKeepsAcceptingTokensAcrossRestarts() throws Exception {
        Map<String, String> env = env();
        String token = mintToken(env);
        assertThat(dataDir.resolve("jwt-secret")).exists();
        for (int run = 0; run < 2; run++) {
            try (ServerProcess server = ServerProcess.serve(env)) {
                assertThat(publish(server.baseUrl(), token, "restart-" + run).statusCode()).isEqualTo(200);
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void aBadSettingStopsTheServerWithOneClearLine() throws Exception {
        Map<String, String> env = env();
        env.put("EVENTS_PORT", "eighty");
        ServerProcess.Result result = ServerProcess.run(env);
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr().strip()).isEqualTo("events: EVENTS_PORT=eighty is not an integer from 0 to 65535");
    }

    @Test
    void anUnreachableDatabaseStopsTheServerWithOneClearLine() throws Exception {
        Map<String, String> env = env();
        env.put("EVENTS_DB_URL", "jdbc:postgresql://127.0.0.1:1/events");
        ServerProcess.Result result = ServerProcess.run(env);
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr().strip()).startsWith(
                "events: cannot start: Unable to connect to the database jdbc:postgresql://127.0.0.1:1/events")
                .doesNotContain("\n");
        assertThat(result.stdout()).doesNotContain("\tat ");
    }

    static String mintToken(Map<String, String> env) throws Exception {
        ServerProcess.Result result = ServerProcess.run(env, "token", "--org", "ttd", "--scope", SCOPES);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result.stdout().strip();
    }

    static HttpResponse<String> publish(String baseUrl, String token, String id) throws IOException, InterruptedException {
        String body = """
                {"specversion":"1.0","id":"%s","source":"https://it.example/app","type":"it.created",
                 "subject":"/party/1337","time":"2026-11-27T10:00:00Z","resource":"urn:altinn:resource:it",
                 "datacontenttype":"application/json","data":{"n":1}}""".formatted(id);
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/events/api/v1/events"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/cloudevents+json")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static List<String> pollAll(String baseUrl, String token) throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        String url = baseUrl + "/events/api/v1/events?resource=urn:altinn:resource:it&after=0&size=1000";
        for (int page = 0; page < 1000; page++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            Matcher m = ID.matcher(r.body());
            int found = 0;
            while (m.find()) {
                ids.add(m.group(1));
                found++;
            }
            if (found == 0) {
                return ids;
            }
            url = r.headers().firstValue("next").orElseThrow();
        }
        throw new AssertionError("too many pages");
    }
}
