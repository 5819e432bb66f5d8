package events.server;

import static org.assertj.core.api.Assertions.assertThat;

import events.adapters.jdbc.PostgresDatabase;
import events.testkit.TcpProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server jar on PostgreSQL through a TCP proxy that the test cuts for a few seconds under publish load, as if
 * the database went away: publishes then get a prompt 503, readiness says not ready, and once the database is
 * back the server serves again by itself, with every acknowledged event stored.
 */
class PostgresOutageIT {
    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();
    private static final Pattern HOST_PORT = Pattern.compile("//([^/:]+):(\\d+)/");
    /** Longer than this for any answer is a hang (the pool waits at most 5 s for a connection). */
    private static final Duration PROMPT = Duration.ofSeconds(12);
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    java.nio.file.Path dataDir;

    @Test
    void publishesDuringADatabaseOutageGetA503AndTheServerRecoversWithNothingAcknowledgedLost() throws Exception {
        try (PostgresDatabase.Schema schema = POSTGRES.newSchema()) {
            Matcher m = HOST_PORT.matcher(schema.jdbcUrl());
            assertThat(m.find()).as(schema.jdbcUrl()).isTrue();
            try (TcpProxy proxy = new TcpProxy(Integer.parseInt(m.group(2)))) {
                Map<String, String> env = ServerProcessIT.env(dataDir);
                env.put("EVENTS_DB_URL", m.replaceFirst("//127.0.0.1:" + proxy.port() + "/"));
                env.put("EVENTS_DB_USER", schema.user());
                if (schema.password() != null) {
                    env.put("EVENTS_DB_PASSWORD", schema.password());
                }
                run(env, proxy);
            }
        }
    }

    private void run(Map<String, String> env, TcpProxy proxy) throws Exception {
        String token = ServerProcessIT.mintToken(env);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger unavailable = new AtomicInteger();
        AtomicLong slowestMillis = new AtomicLong();
        ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        try (ServerProcess server = ServerProcess.serve(env)) {
            try {
                runAgainst(server, token, proxy, acknowledged, unavailable, slowestMillis, unexpected, stop);
            } catch (AssertionError e) {
                stop.set(true);
                throw new AssertionError(e.getMessage() + "\nserver output:\n" + server.output(), e);
            }
        }
    }

    private void runAgainst(ServerProcess server, String token, TcpProxy proxy, Set<String> acknowledged,
            AtomicInteger unavailable, AtomicLong slowestMillis, ConcurrentLinkedQueue<String> unexpected,
            AtomicBoolean stop) throws Exception {
        {
            List<Thread> publishers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                Thread publisher = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String id = "o" + thread + "-" + i;
                        long start = System.nanoTime();
                        try {
                            HttpResponse<String> r = publish(server.baseUrl(), token, id);
                            if (r.statusCode() == 200) {
                                acknowledged.add(id);
                            } else if (r.statusCode() == 503 && r.headers().firstValue("Retry-After").isPresent()) {
                                unavailable.incrementAndGet();
                                Thread.sleep(50);
                            } else {
                                unexpected.add(r.statusCode() + " " + r.body());
                            }
                        } catch (Exception e) {
                            unexpected.add(id + ": " + e);
                        }
                        slowestMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                    }
                }, "publisher-" + t);
                publisher.start();
                publishers.add(publisher);
            }
            Await.until(() -> acknowledged.size() >= 300, Duration.ofSeconds(60), "300 publishes acknowledged");
            assertThat(ready(server)).isEqualTo(200);

            proxy.cut();
            Await.until(() -> ready(server) == 503, PROMPT, "readiness says not ready");
            int before = unavailable.get();
            Thread.sleep(3000);
            // Refused at once while the database is known to be down, not one by one after each connection timeout.
            assertThat(unavailable.get() - before).as("publishes answered 503 in 3 s of outage").isGreaterThan(20);

            proxy.restore();
            int atRestore = acknowledged.size();
            Await.until(() -> acknowledged.size() > atRestore + 100, Duration.ofSeconds(30), "publishing again");
            Await.until(() -> ready(server) == 200, Duration.ofSeconds(10), "ready again");
            stop.set(true);
            for (Thread p : publishers) {
                p.join(30_000);
            }
            assertThat(unexpected).as("answers other than 200 or 503 with Retry-After").isEmpty();
            assertThat(slowestMillis.get()).as("slowest answer, ms").isLessThan(PROMPT.toMillis());

            List<String> polled = ServerProcessIT.pollAll(server.baseUrl(), token);
            assertThat(polled).doesNotHaveDuplicates().containsAll(acknowledged);
            System.out.printf("PostgresOutageIT: %d publishes acknowledged and all stored, %d answered 503,"
                    + " slowest answer %d ms%n", acknowledged.size(), unavailable.get(), slowestMillis.get());
        }
    }

    private static int ready(ServerProcess server) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health/ready"))
                    .timeout(PROMPT).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new AssertionError("readiness did not answer within " + PROMPT, e);
        }
    }

    private static HttpResponse<String> publish(String baseUrl, String token, String id) throws Exception {
        String body = """
                {"specversion":"1.0","id":"%s","source":"https://it.example/app","type":"it.created",
                 "resource":"urn:altinn:resource:it","data":{"n":1}}""".formatted(id);
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/events/api/v1/events"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/cloudevents+json")
                        .timeout(PROMPT)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
