package events.adapters.http;

import static events.adapters.http.TestServer.json;
import static events.adapters.http.TestServer.publisher;
import static events.adapters.http.TestServer.subscriber;
import static org.assertj.core.api.Assertions.assertThat;

import events.domain.UnableToReadEventsException;
import events.domain.UnableToStoreEventException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fuzzed bodies, health, and the mapping of failures to problem responses. */
class RobustnessIT {
    static final String MUTATIONS = "{}[]\":,0a\\ ";
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(b -> b.maxEventBytes(4096).maxBatchBytes(16384));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void neverAnswersRandomOrMutatedBodiesWithA5xx() {
        Random random = new Random(20261127);
        String valid = PublishEventsIT.VALID.formatted("fuzz");
        String[] fragments = {"{", "}", "[", "]", "\"", ":", ",", "null", "true", "1e999", "-0", "\\u0000", "\\ud800",
                "\"data\"", "\"data_base64\"", "\"resource\"", "99999999999999999999", "\u00e6", "\uD83D\uDE00", " "};
        String[] types = {"application/cloudevents+json", "application/cloudevents-batch+json", "application/json"};
        for (int i = 0; i < 600; i++) {
            byte[] body;
            switch (i % 4) {
                case 0 -> {
                    body = new byte[random.nextInt(300)];
                    random.nextBytes(body);
                }
                case 1 -> body = mutate(valid, random).getBytes(StandardCharsets.UTF_8);
                case 2 -> {
                    StringBuilder s = new StringBuilder();
                    for (int k = random.nextInt(40); k > 0; k--) {
                        s.append(fragments[random.nextInt(fragments.length)]);
                    }
                    body = s.toString().getBytes(StandardCharsets.UTF_8);
                }
                default -> body = ("[" + mutate(valid, random) + "," + mutate(valid, random) + "]")
                        .getBytes(StandardCharsets.UTF_8);
            }
            String type = types[random.nextInt(types.length)];
            String[] headers = type.equals("application/json") ? PublishEventsIT.binaryHeaders("fuzz-" + i) : new String[0];
            HttpResponse<String> response =
                    server.post(type, HttpRequest.BodyPublishers.ofByteArray(body), publisher(), headers);
            assertThat(response.statusCode()).as("case %d: %s", i, new String(body, StandardCharsets.UTF_8))
                    .isLessThan(500);
            if (response.statusCode() != 200) {
                assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            }
        }
    }

    private static String mutate(String text, Random random) {
        StringBuilder s = new StringBuilder(text);
        for (int k = 1 + random.nextInt(4); k > 0 && s.length() > 0; k--) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(3)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, (char) random.nextInt(128));
                default -> s.setCharAt(at, MUTATIONS.charAt(random.nextInt(MUTATIONS.length())));
            }
        }
        return s.toString();
    }

    @Test
    void answersHealthWithoutToken() {
        HttpResponse<String> response = server.get("/health", null);

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void answersReadinessFromTheStore() {
        assertThat(server.get("/health/ready", null).statusCode()).isEqualTo(200);
        server.store.setAvailable(false);
        try {
            HttpResponse<String> response = server.get("/health/ready", null);
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        } finally {
            server.store.setAvailable(true);
        }
    }

    @Test
    void answersUnknownPathsWith404Problem() {
        HttpResponse<String> response = server.get("/events/api/v1/nothing-here", subscriber());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(response.body()).get("status").asInt()).isEqualTo(404);
    }

    /**
     * Requests Jetty refuses before any route sees them: a malformed percent-encoding, a bad UTF-8 escape, illegal
     * characters in the path or the request line, a URI over Jetty's limit. They used to get Jetty's HTML error page
     * (and a PUT or DELETE an empty body).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"/events/api/v1/policies/urn:altinn:resource:%zz",
            "/events/api/v1/policies/urn:altinn:resource:%FF",
            "/events/api/v1/policies/urn:altinn:resource:a\\b", "/events/api/v1/events?resource=a b&after=0",
            "/events/api/v1/events?after=0&resource=LONG", "PUT /events/api/v1/policies/urn:altinn:resource:%FF",
            "DELETE /events/api/v1/policies/urn:altinn:resource:a\\b"})
    void answersRequestsJettyRefusesWithProblems(String target) throws java.io.IOException {
        String method = target.startsWith("/") ? "GET " : "";
        String requestLine = method + target.replace("LONG", "a".repeat(10_000)) + " HTTP/1.1";
        String response;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.uri("/").getPort())) {
            socket.getOutputStream().write((requestLine + "\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }

        String head = response.substring(0, response.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        assertThat(head).as(response).startsWith("http/1.1 4").contains("\r\ncontent-type: application/problem+json");
        assertThat(json(body).get("status").asInt()).as(response).isEqualTo(Integer.parseInt(head.substring(9, 12)));
        assertThat(body).doesNotContain("<html");
    }

    @Test
    void answersUnknownMethodsWith405Problem() {
        HttpResponse<String> response = server.send(
                HttpRequest.newBuilder(server.uri("/events/api/v1/events")).DELETE(), publisher());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(response.body()).get("status").asInt()).isEqualTo(405);
    }

    @Test
    void answers503WithRetryAfterWhenStorageFails() {
        try (TestServer failing = TestServer.start(b -> b
                .publishEvents((caller, events) -> {
                    throw new UnableToStoreEventException("db down: jdbc:postgresql://db/events", null);
                })
                .queryEvents((caller, query) -> {
                    throw new UnableToReadEventsException("db down: jdbc:postgresql://db/events", null);
                }))) {
            HttpResponse<String> post = failing.publish(PublishEventsIT.VALID.formatted("x"));
            HttpResponse<String> get = failing.get("/events/api/v1/events?resource=urn:altinn:resource:x&after=0",
                    subscriber());
            for (HttpResponse<String> response : java.util.List.of(post, get)) {
                assertThat(response.statusCode()).isEqualTo(503);
                assertThat(response.headers().firstValue("Retry-After")).isPresent();
                assertThat(response.body()).doesNotContain("jdbc");
            }
        }
    }

    @Test
    void answers500WithoutInternalsOnUnexpectedFailures() {
        try (TestServer broken = TestServer.start(b -> b.publishEvents((caller, events) -> {
            throw new IllegalStateException("password=hunter2");
        }))) {
            HttpResponse<String> response = broken.publish(PublishEventsIT.VALID.formatted("x"));

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.body()).doesNotContain("hunter2").doesNotContain("IllegalState");
        }
    }

    @Test
    void answersAccessDeniedWith403() {
        try (TestServer denying = TestServer.start(b -> b.publishEvents((caller, events) -> {
            throw new events.domain.AccessDeniedException("not allowed to publish events for resource x");
        }))) {
            HttpResponse<String> response = denying.publish(PublishEventsIT.VALID.formatted("x"));

            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(json(response.body()).get("detail").asText()).contains("not allowed");
        }
    }

    @Test
    void answersOnlyWhenStorageCompletesLaterAndMapsALateFailure() {
        java.util.concurrent.Executor later = java.util.concurrent.CompletableFuture.delayedExecutor(
                50, java.util.concurrent.TimeUnit.MILLISECONDS);
        java.util.concurrent.atomic.AtomicBoolean fail = new java.util.concurrent.atomic.AtomicBoolean();
        events.ports.PublishEvents slowStorage = new events.ports.PublishEvents() {
            @Override
            public void publish(events.ports.Caller caller, java.util.List<events.domain.CloudEvent> events) {
                throw new AssertionError("the API must not block on storage");
            }

            @Override
            public java.util.concurrent.CompletableFuture<Void> publishAsync(
                    events.ports.Caller caller, java.util.List<events.domain.CloudEvent> events) {
                return java.util.concurrent.CompletableFuture.runAsync(() -> {
                    if (fail.get()) {
                        throw new UnableToStoreEventException("db down", null);
                    }
                }, later);
            }
        };
        try (TestServer server = TestServer.start(b -> b.publishEvents(slowStorage))) {
            assertThat(server.publish(PublishEventsIT.VALID.formatted("a")).statusCode()).isEqualTo(200);

            fail.set(true);
            HttpResponse<String> failed = server.publish(PublishEventsIT.VALID.formatted("b"));
            assertThat(failed.statusCode()).isEqualTo(503);
            assertThat(failed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
    }
}
