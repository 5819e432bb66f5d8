package events.server;

import static events.server.EventsHttpClient.PUBLISH;
import static events.server.EventsHttpClient.SUBSCRIBE;
import static org.assertj.core.api.Assertions.assertThat;

import events.adapters.http.JwtTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing secret reaches the log when a request fails on its way: not the signing secret of a subscription that
 * cannot be stored, not the content of an event that cannot be stored (the database and Jdbi quote the values of a
 * refused write in their messages, and the server logs the cause of every 503), and never a bearer token, accepted
 * or refused. The real server on H2 with the example policy; its database is made to refuse the writes for real.
 */
class SecretsStayOutOfLogsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    private EventsServer server;
    private ServerSettings settings;

    @BeforeEach
    void start() {
        settings = ServerSettings.from(Map.of(), List.of("--port", "0", "--data-dir", dataDir.toString(),
                "--policy-dir", EventsServerTest.EXAMPLE_POLICIES.toString(),
                "--webhook-allow-http", "true", "--webhook-allow-private", "true"));
        server = EventsServer.start(settings);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aSubscriptionWhoseSecretCannotBeStoredIsLoggedWithoutTheSecretOrTheToken() {
        refuse("ALTER TABLE subscription_secrets ALTER COLUMN secret SET DATA TYPE VARCHAR(8)");
        String token = EventsHttpClient.token(dataDir, "digdir", SUBSCRIBE);

        try (RecordingLog log = new RecordingLog()) {
            HttpResponse<String> response = call("POST", "/events/api/v1/subscriptions", token, "application/json", """
                    {"endPoint":"http://127.0.0.1:9/hook","resourceFilter":"%s","subjectFilter":"/party/1337"}"""
                    .formatted(AuthorizationTest.RESOURCE));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(log.everything()).as("the failure is logged").isNotEmpty();
            assertThat(log.everything()).noneSatisfy(line -> assertThat(line).contains("whsec_"));
            assertThat(log.everything()).noneSatisfy(line -> assertThat(line).contains(token));
        }
    }

    @Test
    void anEventThatCannotBeStoredIsLoggedWithoutItsContentOrTheToken() {
        refuse("ALTER TABLE events ALTER COLUMN data_json SET DATA TYPE VARCHAR(16)");
        String token = EventsHttpClient.token(dataDir, "ttd", PUBLISH);
        String marker = "confidential-" + UUID.randomUUID();
        String event = """
                {"specversion":"1.0","id":"e1","source":"https://ttd.example/app","type":"app.created",\
                "resource":"%s","subject":"/party/1337","data":{"note":"%s"}}""".formatted(AuthorizationTest.RESOURCE,
                marker);

        try (RecordingLog log = new RecordingLog()) {
            HttpResponse<String> response = call("POST", "/events/api/v1/events", token,
                    "application/cloudevents+json", event);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(log.everything()).as("the failure is logged").isNotEmpty();
            assertThat(log.everything()).noneSatisfy(line -> assertThat(line).contains(marker));
            assertThat(log.everything()).noneSatisfy(line -> assertThat(line).contains(token));
        }
    }

    @Test
    void refusedTokensAreNotLogged() {
        byte[] secret = JwtSecrets.resolve(settings).orElseThrow();
        Map<String, Object> claims = Map.of("urn:altinn:org", "ttd", "scope", SUBSCRIBE);
        List<String> refused = List.of(
                JwtTokens.mintHs256(secret, claims, Duration.ofMinutes(-10)),
                JwtTokens.mintHs256("another-secret-another-secret-another".getBytes(StandardCharsets.UTF_8), claims,
                        Duration.ofMinutes(5)),
                "not-a-jwt-" + UUID.randomUUID(),
                "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0." + UUID.randomUUID());

        try (RecordingLog log = new RecordingLog()) {
            for (String token : refused) {
                HttpResponse<String> response = call("GET", "/events/api/v1/events?resource="
                        + AuthorizationTest.RESOURCE + "&after=0", token, null, null);

                assertThat(response.statusCode()).isEqualTo(401);
                assertThat(response.body()).doesNotContain(token);
            }
            for (String token : refused) {
                assertThat(log.everything()).noneSatisfy(line -> assertThat(line).contains(token));
            }
        }
    }

    @Test
    void theDatabaseUrlIsLoggedWithoutItsCredentials() {
        String password = "hunter2-" + UUID.randomUUID();
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("other") + ";USER=sa;PASSWORD=" + password;

        try (RecordingLog log = new RecordingLog();
                EventsServer other = EventsServer.start(ServerSettings.from(Map.of("EVENTS_DB_URL", url),
                        List.of("--port", "0", "--data-dir", dataDir.toString())))) {
            assertThat(log.everything()).anySatisfy(line -> assertThat(line).contains("storage: jdbc:h2:file:"));
            assertThat(log.everything()).noneSatisfy(line -> assertThat(line).contains(password));
        }
    }

    /** Makes the server's database refuse writes: a statement on the embedded H2 file, as a second session. */
    private void refuse(String ddl) {
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("events") + ";MODE=PostgreSQL";
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute(ddl);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> call(String method, String path, String token, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
