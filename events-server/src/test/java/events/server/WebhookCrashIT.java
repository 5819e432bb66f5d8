package events.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import events.testkit.WebhookReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server jar as a child process, SIGKILLed while events are being published and pushed: after a restart,
 * every acknowledged event reaches the webhook receiver (at least once).
 */
class WebhookCrashIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dataDir;

    @Test
    void everyAcknowledgedEventIsPushedAfterKill9AndRestart() throws Exception {
        Map<String, String> env = new HashMap<>(ServerProcessIT.env(dataDir));
        env.put("EVENTS_WEBHOOK_ALLOW_HTTP", "true");
        env.put("EVENTS_WEBHOOK_ALLOW_PRIVATE", "true");
        env.put("EVENTS_WEBHOOK_TIMEOUT", "2s");
        env.put("EVENTS_RETRY_SCHEDULE", "1s,1s,1s");
        String token = ServerProcessIT.mintToken(env);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        String id;
        try (WebhookReceiver receiver = WebhookReceiver.closingEachConnection()) {
            try (ServerProcess server = ServerProcess.serve(env)) {
                id = subscribe(server.baseUrl(), token, receiver.url("/crash"));
                receiver.await(r -> true, 1, Duration.ofSeconds(20)); // validated
                awaitActive(server.baseUrl(), token, id);

                AtomicBoolean stop = new AtomicBoolean();
                CountDownLatch enough = new CountDownLatch(400);
                List<Thread> publishers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int thread = t;
                    Thread publisher = new Thread(() -> {
                        for (int i = 0; !stop.get(); i++) {
                            String eventId = "c" + thread + "-" + i;
                            try {
                                if (ServerProcessIT.publish(server.baseUrl(), token, eventId).statusCode() == 200) {
                                    acknowledged.add(eventId);
                                    enough.countDown();
                                }
                            } catch (IOException | InterruptedException e) {
                                return; // killed
                            }
                        }
                    });
                    publisher.start();
                    publishers.add(publisher);
                }
                enough.await(60, TimeUnit.SECONDS);
                server.kill();
                stop.set(true);
                for (Thread p : publishers) {
                    p.join(30_000);
                }
            }
            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(400);
            int beforeRestart = pushedIds(receiver).size();

            try (ServerProcess restarted = ServerProcess.serve(env)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (!pushedIds(receiver).containsAll(acknowledged) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                Set<String> pushed = pushedIds(receiver);
                if (!pushed.containsAll(acknowledged)) {
                    Set<String> missing = new java.util.TreeSet<>(acknowledged);
                    missing.removeAll(pushed);
                    System.out.println("WebhookCrashIT: never pushed: " + missing);
                    System.out.println("WebhookCrashIT: deliveries: " + get(restarted.baseUrl(), token,
                            "/events/api/v1/subscriptions/" + id + "/deliveries?size=1000"));
                    System.out.println("WebhookCrashIT: dead letters: " + get(restarted.baseUrl(), token,
                            "/events/api/v1/subscriptions/" + id + "/deadletters"));
                    System.out.println("WebhookCrashIT: server output:\n" + restarted.output());
                }
                assertThat(pushed).as("acknowledged events never pushed").containsAll(acknowledged);
                long pushes = receiver.received(r -> !isValidation(r)).size();
                System.out.printf("WebhookCrashIT: %d acknowledged, %d pushed before the kill, %d pushes in all,"
                        + " %d duplicates%n", acknowledged.size(), beforeRestart, pushes, pushes - pushed.size());
            }
        }
    }

    private static String get(String baseUrl, String token, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static boolean isValidation(WebhookReceiver.Received r) {
        return r.body().contains("platform.events.validatesubscription");
    }

    private static Set<String> pushedIds(WebhookReceiver receiver) {
        return receiver.received(r -> !isValidation(r)).stream()
                .map(r -> EventsHttpClient.json(r.body()).path("id").asText()).collect(Collectors.toSet());
    }

    static String subscribe(String baseUrl, String token, String endpoint) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/events/api/v1/subscriptions"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"endPoint":"%s","resourceFilter":"urn:altinn:resource:it"}""".formatted(endpoint)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return EventsHttpClient.json(r.body()).path("id").asText();
    }

    static void awaitActive(String baseUrl, String token, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                            URI.create(baseUrl + "/events/api/v1/subscriptions/" + id))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode s = EventsHttpClient.json(r.body());
            if ("active".equals(s.path("status").asText())) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("subscription " + id + " never became active");
    }
}
