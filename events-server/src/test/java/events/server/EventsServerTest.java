package events.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The composition root in-process: defaults, wiring, the quickstart flow. */
class EventsServerTest {
    /** The policies shipped in the repository, used by the README quickstart. */
    static final Path EXAMPLE_POLICIES = Path.of("../examples/policies");

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesTheQuickstartWithEmbeddedDefaultsAndTheExamplePolicy() throws Exception {
        ServerSettings settings = ServerSettings.from(Map.of(), List.of("--port", "0", "--data-dir", dataDir.toString(),
                "--policy-dir", EXAMPLE_POLICIES.toString()));
        try (EventsServer server = EventsServer.start(settings)) {
            String ttd = Main.token(List.of("--org", "ttd", "--scope", "altinn:events.publish altinn:events.subscribe",
                    "--data-dir", dataDir.toString()));
            String digdir = Main.token(List.of("--org", "digdir", "--scope", "altinn:events.subscribe",
                    "--data-dir", dataDir.toString()));
            for (String party : List.of("1337", "1338")) {
                HttpResponse<String> published = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/events/api/v1/events"))
                        .header("Authorization", "Bearer " + ttd)
                        .header("Content-Type", "application/cloudevents+json")
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"specversion":"1.0","id":"q%s","source":"https://ttd.example/app","type":"app.created",
                                 "resource":"urn:altinn:resource:ttd-svc","subject":"/party/%s",
                                 "time":"2026-11-27T10:15:30.5+01:00","data":{"a":[1,2]}}""".formatted(party, party)))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
            }

            HttpResponse<String> page = poll(server, digdir);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("\"id\":\"q1337\"", "\"time\":\"2026-11-27T10:15:30.5+01:00\"")
                    .doesNotContain("q1338");
            assertThat(page.headers().firstValue("next")).hasValueSatisfying(
                    next -> assertThat(next).startsWith("http://localhost:" + server.port() + "/events/api/v1/events?"));
            HttpResponse<String> publishersPage = poll(server, ttd);
            assertThat(publishersPage.body()).isEqualTo("[]");
            assertThat(publishersPage.headers().firstValue("next")).isPresent();

            assertThat(http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(dataDir.resolve("jwt-secret")).exists();
        }
    }

    private HttpResponse<String> poll(EventsServer server, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/events/api/v1/events?resource=urn:altinn:resource:ttd-svc&after=0"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersRequestsJettyRefusesWithProblemsAndTakesTheHeaderSizeSetting() throws Exception {
        ServerSettings settings = ServerSettings.from(Map.of("EVENTS_MAX_HEADER_SIZE", "16KiB"),
                List.of("--port", "0", "--data-dir", dataDir.toString()));
        try (EventsServer server = EventsServer.start(settings)) {
            String nul = rawExchange(server.port(), "GET /events/api/v1/events%00 HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\n\r\n");
            String fits = rawExchange(server.port(), "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: "
                    + "x".repeat(12_000) + "\r\nConnection: close\r\n\r\n");
            String tooLarge = rawExchange(server.port(), "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: "
                    + "x".repeat(20_000) + "\r\nConnection: close\r\n\r\n");

            assertThat(nul).startsWith("HTTP/1.1 400 ").containsIgnoringCase("Content-Type: application/problem+json")
                    .contains("\"status\":400");
            assertThat(fits).startsWith("HTTP/1.1 200 ");
            assertThat(tooLarge).startsWith("HTTP/1.1 431 ")
                    .containsIgnoringCase("Content-Type: application/problem+json").contains("\"status\":431")
                    .contains("16384 bytes");
        }
    }

    /** The whole answer to bytes written to a plain socket (HTTP clients refuse to send such requests). */
    private static String rawExchange(int port, String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void refusesTokensSignedWithAnotherSecret() throws Exception {
        ServerSettings settings = ServerSettings.from(Map.of(), List.of("--port", "0", "--data-dir", dataDir.toString()));
        try (EventsServer server = EventsServer.start(settings)) {
            String foreign = events.adapters.http.JwtTokens.mintHs256(
                    "another-secret-another-secret-another".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    Map.of("urn:altinn:org", "ttd", "scope", "altinn:events.subscribe"), java.time.Duration.ofMinutes(5));
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                            + "/events/api/v1/events?resource=urn:altinn:resource:ttd-app&after=0"))
                    .header("Authorization", "Bearer " + foreign).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(401);
            assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(
                    ct -> assertThat(ct).startsWith("application/problem+json"));
        }
    }
}
