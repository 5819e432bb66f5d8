package events.server;

import static events.server.EventsHttpClient.PUBLISH;
import static events.server.EventsHttpClient.SUBSCRIBE;
import static events.server.EventsHttpClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import events.testkit.WebhookReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An endpoint that never answers, with tens of thousands of deliveries waiting for it, does not hold up another
 * subscriber's pushes: the real server on H2, two real receivers on loopback.
 */
class SlowEndpointIsolationTest {
    static final String RESOURCE = AuthorizationTest.RESOURCE;
    static final int BACKLOG = 20_000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    private EventsServer server;
    private EventsHttpClient api;
    private final CountDownLatch released = new CountDownLatch(1);
    private final WebhookReceiver stuck = WebhookReceiver.keepingAlive();
    private final WebhookReceiver healthy = WebhookReceiver.keepingAlive();

    @BeforeEach
    void start() {
        server = EventsServer.start(ServerSettings.from(Map.of(), List.of("--port", "0", "--data-dir",
                dataDir.toString(), "--policy-dir", EventsServerTest.EXAMPLE_POLICIES.toString(),
                "--webhook-allow-http", "true", "--webhook-allow-private", "true", "--webhook-timeout", "60s")));
        api = new EventsHttpClient(server.baseUrl());
        // the stuck endpoint answers its validation, then never again (until the test ends)
        stuck.answer(r -> {
            if (!r.body().contains("platform.events.validatesubscription")) {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return 200;
        });
    }

    @AfterEach
    void stop() {
        released.countDown();
        server.close();
        stuck.close();
        healthy.close();
    }

    @Test
    void anEndpointThatNeverAnswersWithTensOfThousandsWaitingDoesNotDelayAnotherEndpoint() throws Exception {
        subscribe(stuck.url("/stuck"), "backlog.waiting");
        subscribe(healthy.url("/healthy"), "probe.sent");
        String ttd = EventsHttpClient.token(dataDir, "ttd", PUBLISH);
        for (int batch = 0; batch < BACKLOG / 500; batch++) {
            List<String> events = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                events.add(event("b-" + batch + "-" + i, "backlog.waiting"));
            }
            assertThat(api.publishBatch(ttd, events).statusCode()).isEqualTo(200);
        }
        // once this first probe arrives, the dispatcher has passed the whole backlog
        assertThat(api.publish(ttd, event("p-first", "probe.sent")).statusCode()).isEqualTo(200);
        healthy.await(r -> r.body().contains("p-first"), 1, WAIT);

        List<Long> latenciesMillis = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = "p-" + i;
            long published = System.nanoTime();
            assertThat(api.publish(ttd, event(id, "probe.sent")).statusCode()).isEqualTo(200);
            WebhookReceiver.Received push = healthy.await(r -> r.body().contains("\"" + id + "\""), 1, WAIT).get(0);
            latenciesMillis.add((push.receivedNanos() - published) / 1_000_000);
        }

        System.out.printf("SlowEndpointIsolationTest: %d waiting for the stuck endpoint (%d attempts in flight);"
                + " publish to push of the healthy one: %s ms%n", BACKLOG, stuck.received().size() - 1, latenciesMillis);
        assertThat(latenciesMillis).as("publish to push, ms").allSatisfy(ms -> assertThat(ms).isLessThan(1000));
        assertThat(stuck.received()).as("the validation and at most 16 attempts in flight").hasSizeBetween(2, 17);
    }

    private void subscribe(String endpoint, String type) throws Exception {
        String digdir = EventsHttpClient.token(dataDir, "digdir", SUBSCRIBE);
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/events/api/v1/subscriptions"))
                .header("Authorization", "Bearer " + digdir).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"endPoint":"%s","resourceFilter":"%s","subjectFilter":"/party/1337","typeFilter":"%s"}"""
                        .formatted(endpoint, RESOURCE, type))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = json(created.body()).path("id").asText();
        Await.until(() -> "active".equals(status(id, digdir)), WAIT, "subscription " + id + " active");
    }

    private String status(String id, String token) {
        try {
            return json(HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/events/api/v1/subscriptions/"
                    + id)).header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString())
                    .body()).path("status").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String event(String id, String type) {
        return """
                {"specversion":"1.0","id":"%s","source":"https://ttd.example/app","type":"%s",\
                "resource":"%s","subject":"/party/1337","time":"2026-12-07T10:00:00Z","data":{"n":1}}"""
                .formatted(id, type, RESOURCE);
    }
}
