package events.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import events.core.Events;
import events.ports.Caller;
import events.testkit.InMemoryEventStore;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/** Real Javalin on a free port with the Events API over the engine and an in-memory store, plus a real client. */
final class TestServer implements AutoCloseable {
    static final byte[] SECRET = "test-secret-test-secret-test-secret!".getBytes(StandardCharsets.UTF_8);
    static final String BASE_URL = "http://events.example.test";
    static final ObjectMapper JSON = new ObjectMapper();

    final InMemoryEventStore store = new InMemoryEventStore();
    final Events events = Events.builder().eventStore(store).authorizer(new events.core.ScopeOnlyAuthorizer()).build();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Javalin app;

    private TestServer(Consumer<EventsApi.Builder> customize) {
        EventsApi.Builder builder = EventsApi.builder()
                .publishEvents(events.publishEvents())
                .queryEvents(events.queryEvents())
                .authenticator(JwtAuthenticator.builder().hs256Secret(SECRET).build())
                .baseUrl(() -> BASE_URL)
                .readiness(events::isReady);
        customize.accept(builder);
        EventsApi api = builder.build();
        app = Javalin.create(api::register).start("127.0.0.1", 0);
    }

    static TestServer start() {
        return new TestServer(b -> { });
    }

    static TestServer start(Consumer<EventsApi.Builder> customize) {
        return new TestServer(customize);
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + app.port() + pathAndQuery);
    }

    static String token(String... scopes) {
        return JwtTokens.mintHs256(SECRET, Map.of("urn:altinn:org", "ttd", "scope", String.join(" ", scopes)),
                Duration.ofMinutes(5));
    }

    static String publisher() {
        return token(Caller.SCOPE_PUBLISH);
    }

    static String subscriber() {
        return token(Caller.SCOPE_SUBSCRIBE);
    }

    HttpResponse<String> post(String contentType, String body, String token, String... headers) {
        return post(contentType, HttpRequest.BodyPublishers.ofString(body), token, headers);
    }

    HttpResponse<String> post(String contentType, HttpRequest.BodyPublisher body, String token, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/events/api/v1/events")).POST(body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request, token, headers);
    }

    HttpResponse<String> publish(String eventJson) {
        return post("application/cloudevents+json", eventJson, publisher());
    }

    HttpResponse<String> get(String pathAndQuery, String token, String... headers) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET(), token, headers);
    }

    HttpResponse<String> send(HttpRequest.Builder request, String token, String... headers) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        app.stop();
    }
}
