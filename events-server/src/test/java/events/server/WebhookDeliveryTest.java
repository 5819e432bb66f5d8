package events.server;

import static events.server.EventsHttpClient.PUBLISH;
import static events.server.EventsHttpClient.SUBSCRIBE;
import static events.server.EventsHttpClient.event;
import static events.server.EventsHttpClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import events.domain.WebhookSecret;
import events.domain.WebhookSignature;
import events.testkit.WebhookReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subscriptions and push delivery end to end: the real server (H2, XACML with the example policy) pushes to a
 * real receiver on loopback.
 */
class WebhookDeliveryTest {
    static final String RESOURCE = AuthorizationTest.RESOURCE;
    static final String VALIDATION = "platform.events.validatesubscription";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    private EventsServer server;
    private EventsHttpClient api;
    private final WebhookReceiver receiver = WebhookReceiver.keepingAlive();

    /** The environment the server starts with (the database); H2 in the data dir here. */
    Map<String, String> environment() {
        return Map.of();
    }

    /** After the server stopped. */
    void stopped() {
    }

    @BeforeEach
    void start() {
        server = EventsServer.start(ServerSettings.from(environment(), List.of("--port", "0", "--data-dir",
                dataDir.toString(), "--policy-dir", EventsServerTest.EXAMPLE_POLICIES.toString(),
                "--webhook-allow-http", "true", "--webhook-allow-private", "true",
                "--retry-schedule", "200ms,200ms", "--webhook-timeout", "2s")));
        api = new EventsHttpClient(server.baseUrl());
    }

    @AfterEach
    void stop() {
        server.close();
        receiver.close();
        stopped();
    }

    private String token(String org, String scopes) {
        return EventsHttpClient.token(dataDir, org, scopes);
    }

    private HttpResponse<String> call(String method, String path, String token, String body) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : server.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            r.header("Content-Type", "application/json");
        }
        try {
            return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode subscribe(String org, String path, String subject) {
        HttpResponse<String> created = call("POST", "/events/api/v1/subscriptions", token(org, SUBSCRIBE), """
                {"endPoint":"%s","resourceFilter":"%s"%s}""".formatted(receiver.url(path), RESOURCE,
                subject == null ? "" : ",\"subjectFilter\":\"" + subject + "\""));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created.body());
    }

    private JsonNode awaitStatus(String org, String id, String status) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode s;
        do {
            s = json(call("GET", "/events/api/v1/subscriptions/" + id, token(org, SUBSCRIBE), null).body());
            if (status.equals(s.path("status").asText())) {
                return s;
            }
            sleep(10);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("subscription " + id + " not " + status + ": " + s);
    }

    private static boolean isEvent(WebhookReceiver.Received r) {
        return !json(r.body()).path("type").asText().equals(VALIDATION);
    }

    @Test
    void validatesTheEndpointThenPushesOnlyWhatPolicyGrantsSigned() {
        JsonNode created = subscribe("digdir", "/hook", "/party/1337");
        String id = created.path("id").asText();
        WebhookSecret secret = WebhookSecret.parse(created.path("secret").asText());

        WebhookReceiver.Received validation = receiver.await(r -> true, 1, WAIT).get(0);
        assertThat(json(validation.body()).path("type").asText()).isEqualTo(VALIDATION);
        assertThat(json(validation.body()).path("source").asText())
                .isEqualTo(server.baseUrl() + "/events/api/v1/subscriptions/" + id);
        awaitStatus("digdir", id, "active");

        String ttd = token("ttd", PUBLISH);
        String wanted = event("e-1337", RESOURCE, "/party/1337");
        assertThat(api.publish(ttd, event("e-1", RESOURCE, "/party/1")).statusCode()).isEqualTo(200);
        assertThat(api.publish(ttd, wanted).statusCode()).isEqualTo(200);

        WebhookReceiver.Received push = receiver.await(WebhookDeliveryTest::isEvent, 1, WAIT).get(0);
        assertThat(json(push.body())).isEqualTo(json(wanted));
        assertThat(push.header("Content-Type")).startsWith("application/cloudevents+json");
        long timestamp = Long.parseLong(push.header("webhook-timestamp"));
        assertThat(WebhookSignature.verify(push.header("webhook-signature"), secret, push.header("webhook-id"),
                timestamp, push.body().getBytes(StandardCharsets.UTF_8))).isTrue();
        sleep(300);
        assertThat(receiver.received(WebhookDeliveryTest::isEvent)).hasSize(1);

        JsonNode log = json(call("GET", "/events/api/v1/subscriptions/" + id + "/deliveries",
                token("digdir", SUBSCRIBE), null).body());
        assertThat(log.path("deliveries").get(0).path("eventId").asText()).isEqualTo("e-1337");
        assertThat(log.path("deliveries").get(0).path("statusCode").asInt()).isEqualTo(200);
    }

    @Test
    void subscribingNeedsAPolicyGrantForTheResourceAndSubject() {
        String body = """
                {"endPoint":"%s","resourceFilter":"%s"}""".formatted(receiver.url("/x"), RESOURCE);
        assertThat(call("POST", "/events/api/v1/subscriptions", token("digdir", SUBSCRIBE), body).statusCode())
                .isEqualTo(403);
        assertThat(call("POST", "/events/api/v1/subscriptions", token("nav", SUBSCRIBE), body.replace("}",
                ",\"subjectFilter\":\"/party/1337\"}")).statusCode()).isEqualTo(403);
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void failedDeliveriesAreRetriedDeadLetteredAndRedrivenWithTheSameWebhookId() {
        String id = subscribe("digdir", "/flaky", "/party/1337").path("id").asText();
        awaitStatus("digdir", id, "active");
        receiver.answer(r -> isEvent(r) ? 500 : 200);

        assertThat(api.publish(token("ttd", PUBLISH), event("e-dead", RESOURCE, "/party/1337")).statusCode())
                .isEqualTo(200);
        receiver.await(WebhookDeliveryTest::isEvent, 3, WAIT);
        String digdir = token("digdir", SUBSCRIBE);
        JsonNode dead = awaitDeadLetters(digdir, id);
        assertThat(dead.path("deadletters").get(0).path("eventId").asText()).isEqualTo("e-dead");

        receiver.answer(r -> 200);
        HttpResponse<String> redrive = call("POST", "/events/api/v1/subscriptions/" + id + "/deadletters/redrive",
                digdir, null);
        assertThat(redrive.statusCode()).isEqualTo(200);
        assertThat(json(redrive.body()).path("redriven").asInt()).isEqualTo(1);
        List<WebhookReceiver.Received> attempts = receiver.await(WebhookDeliveryTest::isEvent, 4, WAIT);
        assertThat(attempts).extracting(r -> r.header("webhook-id")).containsOnly(attempts.get(0).header("webhook-id"));
        sleep(500);
        assertThat(receiver.received(WebhookDeliveryTest::isEvent)).hasSize(4);
        JsonNode log = json(call("GET", "/events/api/v1/subscriptions/" + id + "/deliveries", digdir, null).body());
        assertThat(log.path("deliveries").size()).isEqualTo(5); // 4 attempts and the validation
    }

    private JsonNode awaitDeadLetters(String token, String id) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode dead = json(call("GET", "/events/api/v1/subscriptions/" + id + "/deadletters", token, null).body());
            if (dead.path("deadletters").size() > 0) {
                return dead;
            }
            sleep(20);
        }
        throw new AssertionError("nothing dead-lettered");
    }

    @Test
    void goneDisablesTheSubscription() {
        String id = subscribe("digdir", "/gone", "/party/1337").path("id").asText();
        awaitStatus("digdir", id, "active");
        AtomicInteger pushes = new AtomicInteger();
        receiver.answer(r -> isEvent(r) ? (pushes.incrementAndGet() == 1 ? 410 : 200) : 200);
        String ttd = token("ttd", PUBLISH);
        api.publish(ttd, event("g-1", RESOURCE, "/party/1337"));
        awaitStatus("digdir", id, "disabled");
        api.publish(ttd, event("g-2", RESOURCE, "/party/1337"));
        sleep(500);
        assertThat(receiver.received(WebhookDeliveryTest::isEvent)).hasSize(1);
    }

    @Test
    void deletedSubscriptionGetsNothingMore() {
        String id = subscribe("digdir", "/deleted", "/party/1337").path("id").asText();
        awaitStatus("digdir", id, "active");
        assertThat(call("DELETE", "/events/api/v1/subscriptions/" + id, token("digdir", SUBSCRIBE), null).statusCode())
                .isEqualTo(200);
        api.publish(token("ttd", PUBLISH), event("d-1", RESOURCE, "/party/1337"));
        sleep(500);
        assertThat(receiver.received(WebhookDeliveryTest::isEvent)).isEmpty();
    }

    @Test
    void revokingTheGrantStopsPushes() throws Exception {
        String id = subscribe("digdir", "/revoked", "/party/1337").path("id").asText();
        awaitStatus("digdir", id, "active");
        String ttd = token("ttd", PUBLISH);
        api.publish(ttd, event("r-1", RESOURCE, "/party/1337"));
        receiver.await(WebhookDeliveryTest::isEvent, 1, WAIT);

        // the resource's new policy lets ttd publish and nobody subscribe
        String admin = token("ttd", EventsHttpClient.ADMIN);
        assertThat(api.putPolicy(admin, RESOURCE, TestPolicies.permitOrg("ttd")).statusCode()).isEqualTo(200);
        api.publish(ttd, event("r-2", RESOURCE, "/party/1337"));
        sleep(500);
        assertThat(receiver.received(WebhookDeliveryTest::isEvent)).extracting(r -> json(r.body()).path("id").asText())
                .containsExactly("r-1");
        JsonNode log = json(call("GET", "/events/api/v1/subscriptions/" + id + "/deliveries",
                token("digdir", SUBSCRIBE), null).body());
        assertThat(log.path("deliveries").findValuesAsText("eventId")).doesNotContain("r-2");
    }

    @Test
    void sqlFiltersSelectWhatIsPushed() {
        HttpResponse<String> created = call("POST", "/events/api/v1/subscriptions", token("digdir", SUBSCRIBE), """
                {"endPoint":"%s","resourceFilter":"%s","subjectFilter":"/party/1337",
                 "filters":[{"sql":"id LIKE 'keep-%%'"},{"not":{"exact":{"type":"app.deleted"}}}]}"""
                .formatted(receiver.url("/sql"), RESOURCE));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        awaitStatus("digdir", json(created.body()).path("id").asText(), "active");
        String ttd = token("ttd", PUBLISH);
        for (String id : List.of("drop-1", "keep-1", "keep-2")) {
            api.publish(ttd, event(id, RESOURCE, "/party/1337"));
        }
        api.publish(ttd, event("keep-3", RESOURCE, "/party/1337").replace("app.created", "app.deleted"));
        receiver.await(WebhookDeliveryTest::isEvent, 2, WAIT);
        sleep(300);
        assertThat(receiver.received(WebhookDeliveryTest::isEvent)).extracting(r -> json(r.body()).path("id").asText())
                .containsExactlyInAnyOrder("keep-1", "keep-2");

        HttpResponse<String> bad = call("POST", "/events/api/v1/subscriptions", token("digdir", SUBSCRIBE), """
                {"endPoint":"%s","resourceFilter":"%s","subjectFilter":"/party/1337","filters":[{"sql":"id ="}]}"""
                .formatted(receiver.url("/sql"), RESOURCE));
        EventsHttpClient.assertProblem(bad, 400, "invalid-request");
    }

    @Test
    void aRotatedSecretSignsAlongsideTheOldOne() {
        JsonNode created = subscribe("digdir", "/rotate", "/party/1337");
        String id = created.path("id").asText();
        awaitStatus("digdir", id, "active");
        WebhookSecret old = WebhookSecret.parse(created.path("secret").asText());
        HttpResponse<String> rotated = call("POST", "/events/api/v1/subscriptions/" + id + "/secret/rotate",
                token("digdir", SUBSCRIBE), null);
        assertThat(rotated.statusCode()).isEqualTo(200);
        WebhookSecret fresh = WebhookSecret.parse(json(rotated.body()).path("secret").asText());

        api.publish(token("ttd", PUBLISH), event("s-1", RESOURCE, "/party/1337"));
        WebhookReceiver.Received push = receiver.await(WebhookDeliveryTest::isEvent, 1, WAIT).get(0);
        for (WebhookSecret secret : List.of(old, fresh)) {
            assertThat(WebhookSignature.verify(push.header("webhook-signature"), secret, push.header("webhook-id"),
                    Long.parseLong(push.header("webhook-timestamp")), push.body().getBytes(StandardCharsets.UTF_8)))
                    .as("signed with the %s secret", secret == old ? "old" : "new").isTrue();
        }
        assertThat(call("GET", "/events/api/v1/subscriptions/" + id, token("digdir", SUBSCRIBE), null).body())
                .doesNotContain(old.value(), fresh.value());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
