package events.server;

import static events.server.EventsHttpClient.PUBLISH;
import static events.server.EventsHttpClient.SUBSCRIBE;
import static events.server.EventsHttpClient.event;
import static events.server.EventsHttpClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import events.domain.WebhookSecret;
import events.domain.WebhookSignature;
import events.support.SecretBox;
import events.testkit.WebhookReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What the server leaves on disk, end to end on H2: a data directory and files only their owner can reach, and
 * webhook signing secrets sealed under the server's key, which keep signing across a key rotation and sign nothing
 * under a key that does not open them.
 */
class DataAtRestTest {
    private static final String RESOURCE = AuthorizationTest.RESOURCE;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path directory;

    private final WebhookReceiver receiver = WebhookReceiver.keepingAlive();
    private final List<EventsServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(EventsServer::close);
        receiver.close();
    }

    private Path dataDir() {
        return directory.resolve("data");
    }

    private EventsServer start(Map<String, String> env) {
        EventsServer server = EventsServer.start(ServerSettings.from(env, List.of("--port", "0", "--data-dir",
                dataDir().toString(), "--policy-dir", EventsServerTest.EXAMPLE_POLICIES.toString(),
                "--webhook-allow-http", "true", "--webhook-allow-private", "true")));
        servers.add(server);
        return server;
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(dataDir())) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void theDataDirectoryAndEveryFileInItAreTheirOwnersOnly() throws Exception {
        start(Map.of());

        assertThat(permissions(dataDir())).isEqualTo("rwx------");
        assertThat(files()).extracting(f -> f.getFileName().toString())
                .contains("events.mv.db", "jwt-secret", "secret-key");
        for (Path file : files()) {
            assertThat(permissions(file)).as(file.toString()).isEqualTo("rw-------");
        }
    }

    @Test
    void aDataDirectoryLeftOpenByAnOlderVersionIsClosedAtStart() throws Exception {
        start(Map.of()).close();
        servers.clear();
        Files.setPosixFilePermissions(dataDir(), PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path file : files()) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }

        start(Map.of());

        assertThat(permissions(dataDir())).isEqualTo("rwx------");
        for (Path file : files()) {
            assertThat(permissions(file)).as(file.toString()).isEqualTo("rw-------");
        }
    }

    @Test
    void signingSecretsAreSealedAndKeepSigningThroughAKeyRotation() throws Exception {
        String keyA = key();
        String keyB = key();
        EventsServer server = start(Map.of("EVENTS_SECRET_KEY", keyA));
        JsonNode created = subscribe(server, "/rotated");
        WebhookSecret secret = WebhookSecret.parse(created.path("secret").asText());
        awaitActive(server, created.path("id").asText());
        server.close();
        servers.clear();
        List<String> sealedUnderA = storedSecrets();
        assertThat(sealedUnderA).singleElement().satisfies(s -> assertThat(s).startsWith("v1:")
                .doesNotContain("whsec_").doesNotContain(secret.value().substring("whsec_".length())));

        server = start(Map.of("EVENTS_SECRET_KEY", keyB, "EVENTS_SECRET_KEY_PREVIOUS", keyA));
        publishAndAwaitPushSignedWith(server, "after-rotation", secret);
        server.close();
        servers.clear();
        assertThat(storedSecrets()).hasSize(1).doesNotContainAnyElementsOf(sealedUnderA);

        server = start(Map.of("EVENTS_SECRET_KEY", keyB));
        publishAndAwaitPushSignedWith(server, "old-key-gone", secret);
    }

    @Test
    void underAKeyThatDoesNotOpenTheSecretNothingIsPushedAndTheLogNamesTheRemedy() throws Exception {
        EventsServer server = start(Map.of("EVENTS_SECRET_KEY", key()));
        JsonNode created = subscribe(server, "/lost-key");
        String id = created.path("id").asText();
        awaitActive(server, id);
        server.close();
        servers.clear();

        Logger store = (Logger) LoggerFactory.getLogger("events.adapters.jdbc.JdbcSubscriptionStore");
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        store.addAppender(log);
        try {
            server = start(Map.of("EVENTS_SECRET_KEY", key()));
            publish(server, "unsigned");
            Await.until(() -> log.list.stream().anyMatch(e -> e.getLevel() == Level.ERROR), WAIT,
                    "the store reports the secret it cannot open");
        } finally {
            store.detachAppender(log);
        }

        assertThat(log.list).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                .contains(id, "EVENTS_SECRET_KEY_PREVIOUS")
                .doesNotContain(created.path("secret").asText().substring("whsec_".length())));
        assertThat(receiver.received(r -> json(r.body()).path("id").asText().equals("unsigned"))).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    private static String key() {
        return Base64.getEncoder().encodeToString(SecretBox.generateKey());
    }

    private JsonNode subscribe(EventsServer server, String path) throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/events/api/v1/subscriptions"))
                .header("Authorization", "Bearer " + EventsHttpClient.token(dataDir(), "digdir", SUBSCRIBE))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"endPoint":"%s","resourceFilter":"%s","subjectFilter":"/party/1337"}"""
                        .formatted(receiver.url(path), RESOURCE)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created.body());
    }

    private void awaitActive(EventsServer server, String id) throws InterruptedException {
        String token = EventsHttpClient.token(dataDir(), "digdir", SUBSCRIBE);
        Await.until(() -> {
            try {
                return json(HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                                        + "/events/api/v1/subscriptions/" + id))
                                .header("Authorization", "Bearer " + token).build(),
                        HttpResponse.BodyHandlers.ofString()).body()).path("status").asText().equals("active");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, WAIT, "subscription " + id + " active");
    }

    private void publish(EventsServer server, String eventId) {
        HttpResponse<String> published = new EventsHttpClient(server.baseUrl()).publish(
                EventsHttpClient.token(dataDir(), "ttd", PUBLISH), event(eventId, RESOURCE, "/party/1337"));
        assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
    }

    private void publishAndAwaitPushSignedWith(EventsServer server, String eventId, WebhookSecret secret) {
        publish(server, eventId);
        WebhookReceiver.Received push = receiver.await(
                r -> json(r.body()).path("id").asText().equals(eventId), 1, WAIT).get(0);
        assertThat(WebhookSignature.verify(push.header("webhook-signature"), secret, push.header("webhook-id"),
                Long.parseLong(push.header("webhook-timestamp")), push.body().getBytes(StandardCharsets.UTF_8)))
                .isTrue();
    }

    /** {@code subscription_secrets.secret} of every row, read with plain JDBC while no server runs. */
    private List<String> storedSecrets() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dataDir().toAbsolutePath().resolve("events")
                        + ";MODE=PostgreSQL", "sa", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT secret FROM subscription_secrets ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
