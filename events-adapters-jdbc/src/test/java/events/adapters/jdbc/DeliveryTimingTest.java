package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import events.domain.EndpointPartitions;
import events.domain.Subscription;
import events.domain.SubscriptionRequest;
import events.domain.WebhookSecret;
import events.ports.DeliveryQueue.NewDelivery;
import events.ports.DeliveryStore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measurements, not part of the normal build: {@code mvn -pl events-adapters-jdbc test -Dtest=DeliveryTimingTest
 * -Devents.timing=true}. Prints the time to dispatch a fan-out of 1000 deliveries, and the time to claim due
 * deliveries and find the next due time among many delivered ones (1,000,000 on PostgreSQL; 200,000 on H2, which
 * takes minutes to load more), on H2 and PostgreSQL.
 */
@EnabledIfSystemProperty(named = "events.timing", matches = "true")
class DeliveryTimingTest {
    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();
    private static final Instant T0 = Instant.parse("2026-11-27T10:15:30Z");

    @TempDir
    Path directory;

    @Test
    void measuresH2() throws Exception {
        try (JdbcStores stores = JdbcStores.h2(directory)) {
            String url = JdbcStores.withH2Settings("jdbc:h2:file:" + directory.toAbsolutePath().resolve("events"));
            measure("H2", stores, url, "sa", "", 200_000, "SELECT X FROM SYSTEM_RANGE(1, 200000)");
        }
    }

    @Test
    void measuresPostgres() throws Exception {
        try (PostgresDatabase.Schema schema = POSTGRES.newSchema();
                JdbcStores stores = JdbcStores.open(schema.jdbcUrl(), schema.user(), schema.password())) {
            measure("PostgreSQL", stores, schema.jdbcUrl(), schema.user(), schema.password(), 1_000_000,
                    "SELECT x FROM generate_series(1, 1000000) AS g (x)");
        }
    }

    private static void measure(String name, JdbcStores stores, String url, String user, String password,
            int delivered, String series) throws Exception {
        DeliveryStore deliveries = stores.deliveryStore();
        List<UUID> subscriptions = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Subscription s = Subscription.create(UUID.randomUUID(), "/org/ttd", new SubscriptionRequest(
                    "https://hooks.example.com/" + i, "urn:altinn:resource:ttd-test", null, null, null, null, null), T0);
            stores.subscriptionStore().createIfAbsent(s, WebhookSecret.generate(new SecureRandom()));
            subscriptions.add(s.id());
        }
        try (Connection c = DriverManager.getConnection(url, user, password);
                PreparedStatement load = c.prepareStatement("INSERT INTO deliveries (subscription_id, event_seq, event_id,"
                        + " attempts, status, next_attempt_at, created) SELECT ?, x + 1000, 'old', 1, 'delivered', ?, ?"
                        + " FROM (" + series + ") AS s (x)")) {
            load.setObject(1, subscriptions.get(0));
            load.setObject(2, java.time.OffsetDateTime.parse("2026-01-01T00:00:00Z"));
            load.setObject(3, java.time.OffsetDateTime.parse("2026-01-01T00:00:00Z"));
            long started = System.nanoTime();
            load.executeUpdate();
            System.out.printf("%s: loaded %d delivered rows in %d ms%n", name, delivered,
                    (System.nanoTime() - started) / 1_000_000);
        }
        for (int round = 0; round < 5; round++) {
            List<NewDelivery> fanOut = new ArrayList<>();
            for (UUID s : subscriptions) {
                fanOut.add(new NewDelivery(s, round + 1, "event-" + round));
            }
            long started = System.nanoTime();
            assertThat(deliveries.queue(fanOut, T0.plusSeconds(round))).hasSize(1000);
            System.out.printf("%s: dispatched 1000 deliveries in %.1f ms%n", name, (System.nanoTime() - started) / 1e6);
        }
        for (int round = 0; round < 5; round++) {
            long started = System.nanoTime();
            assertThat(deliveries.nextDue(EndpointPartitions.ALL, Set.of())).isPresent();
            long next = System.nanoTime();
            assertThat(deliveries.claimDue(T0.plusSeconds(10), 100, T0.plusSeconds(3600), EndpointPartitions.ALL, Set.of())).hasSize(100);
            long claimed = System.nanoTime();
            System.out.printf("%s: nextDue %.2f ms, claimDue(100) %.2f ms among %d rows%n", name,
                    (next - started) / 1e6, (claimed - next) / 1e6, delivered + 5000);
        }
    }
}
