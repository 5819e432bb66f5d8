package events.server;

import static events.server.EventsHttpClient.ADMIN;
import static events.server.EventsHttpClient.PUBLISH;
import static events.server.EventsHttpClient.event;
import static org.assertj.core.api.Assertions.assertThat;

import events.adapters.http.JwtTokens;
import events.adapters.jdbc.PostgresDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL schema (SPEC section 8): a policy change made through one node is enforced by
 * the other within a second (SPEC section 7: a policy change invalidates cached decisions). Skipped when
 * PostgreSQL is unreachable, unless required.
 */
class PostgresPolicyPropagationTest {
    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    private static final String SECRET = "policy-propagation-test-secret-of-enough-bytes";
    private static final String RESOURCE = "urn:altinn:resource:propagation";
    private static final Duration WITHIN = Duration.ofSeconds(1);

    @TempDir
    Path dataDirA;

    @TempDir
    Path dataDirB;

    private final AtomicInteger ids = new AtomicInteger();

    @Test
    void aPolicyChangeThroughOneNodeIsEnforcedByTheOtherWithinASecond() {
        try (PostgresDatabase.Schema schema = POSTGRES.newSchema();
             EventsServer a = start(schema, dataDirA);
             EventsServer b = start(schema, dataDirB)) {
            EventsHttpClient nodeA = new EventsHttpClient(a.baseUrl());
            EventsHttpClient nodeB = new EventsHttpClient(b.baseUrl());
            String admin = token("ops", ADMIN);
            // Both nodes have looked at the resource already, so they hold something to forget.
            assertThat(publishAs(nodeA, "nav")).isEqualTo(403);
            assertThat(publishAs(nodeB, "nav")).isEqualTo(403);

            assertThat(nodeA.putPolicy(admin, RESOURCE, TestPolicies.permitOrg("nav")).statusCode()).isEqualTo(201);
            awaitDecision(nodeB, "B", "nav", 200, "the new policy, PUT through A");

            assertThat(publishAs(nodeA, "ttd")).isEqualTo(403);
            assertThat(nodeA.putPolicy(admin, RESOURCE, TestPolicies.permitOrg("ttd")).statusCode()).isEqualTo(200);
            awaitDecision(nodeB, "B", "nav", 403, "the replaced policy, PUT through A");
            assertThat(publishAs(nodeB, "ttd")).isEqualTo(200);

            assertThat(publishAs(nodeA, "ttd")).as("A permits before the delete").isEqualTo(200);
            assertThat(nodeB.deletePolicy(admin, RESOURCE).statusCode()).isEqualTo(204);
            awaitDecision(nodeA, "A", "ttd", 403, "the DELETE through B");
        }
    }

    /**
     * Publishes as {@code org} through {@code node} until it answers {@code expected}, failing when that takes
     * more than {@link #WITHIN} from now (just after the change was acknowledged); then checks the answer holds.
     */
    private void awaitDecision(EventsHttpClient node, String nodeName, String org, int expected, String change) {
        long changed = System.nanoTime();
        int status;
        long elapsedNanos;
        int attempts = 0;
        do {
            status = publishAs(node, org);
            attempts++;
            elapsedNanos = System.nanoTime() - changed;
        } while (status != expected && elapsedNanos <= WITHIN.toNanos());
        long elapsedMillis = Duration.ofNanos(elapsedNanos).toMillis();
        assertThat(status).as("node %s answered %s %d after %d ms (%d requests) following %s", nodeName, org, status,
                elapsedMillis, attempts, change).isEqualTo(expected);
        System.out.printf("node %s enforced %s after %d ms (%d requests)%n", nodeName, change, elapsedMillis, attempts);
        for (int i = 0; i < 20; i++) {
            assertThat(publishAs(node, org)).as("node %s keeps answering %d for %s", nodeName, expected, org)
                    .isEqualTo(expected);
        }
    }

    private int publishAs(EventsHttpClient node, String org) {
        return node.publish(token(org, PUBLISH), event("e" + ids.incrementAndGet(), RESOURCE, "/party/1337")).statusCode();
    }

    private static String token(String org, String scopes) {
        return JwtTokens.mintHs256(SECRET.getBytes(StandardCharsets.UTF_8),
                Map.of("urn:altinn:org", org, "scope", scopes), Duration.ofMinutes(10));
    }

    private static EventsServer start(PostgresDatabase.Schema schema, Path dataDir) {
        Map<String, String> env = new HashMap<>();
        env.put("EVENTS_DB_URL", schema.jdbcUrl());
        env.put("EVENTS_DB_USER", schema.user());
        if (schema.password() != null) {
            env.put("EVENTS_DB_PASSWORD", schema.password());
        }
        env.put("EVENTS_JWT_SECRET", SECRET);
        return EventsServer.start(ServerSettings.from(env, List.of("--port", "0", "--data-dir", dataDir.toString())));
    }
}
