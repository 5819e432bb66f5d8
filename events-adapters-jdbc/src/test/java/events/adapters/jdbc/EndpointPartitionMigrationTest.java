package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import events.domain.EndpointPartitions;
import events.testkit.SubscriptionStoreContract;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subscriptions stored before endpoint partitions existed (schema version 4) get their endpoint's partition when
 * the schema is migrated, on both databases, and subscriptions created afterwards get theirs when created; the one
 * dispatch cursor of then becomes every partition's (version 7).
 */
class EndpointPartitionMigrationTest {
    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    @TempDir
    Path dir;

    @Test
    void fillsThePartitionOfSubscriptionsStoredBeforeItOnH2() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(JdbcStores.withH2Settings("jdbc:h2:file:" + dir.resolve("events")));
        config.setUsername("sa");
        config.setPassword("");
        try (HikariDataSource pool = new HikariDataSource(config)) {
            migratesOldSubscriptions(pool, () -> JdbcStores.h2(dir));
        }
    }

    @Test
    void fillsThePartitionOfSubscriptionsStoredBeforeItOnPostgres() {
        try (PostgresDatabase.Schema schema = POSTGRES.newSchema()) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(schema.jdbcUrl());
            config.setUsername(schema.user());
            config.setPassword(schema.password());
            config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
            try (HikariDataSource pool = new HikariDataSource(config)) {
                migratesOldSubscriptions(pool, () -> JdbcStores.postgres(pool));
            }
        }
    }

    private static void migratesOldSubscriptions(DataSource pool, java.util.function.Supplier<JdbcStores> open) {
        Flyway.configure().dataSource(pool).locations(JdbcStores.MIGRATIONS).target("4").load().migrate();
        Jdbi jdbi = Jdbi.create(pool);
        Map<UUID, String> old = IntStream.range(0, 40).boxed().collect(Collectors.toMap(
                i -> UUID.randomUUID(), i -> "https://hooks.example.com/" + i + "/events"));
        old.forEach((id, endPoint) -> jdbi.useHandle(h -> h.createUpdate("INSERT INTO subscriptions (id, request_key,"
                        + " consumer, created_by, end_point, resource_filter, filters, created, status) VALUES (:id,"
                        + " :key, '/org/ttd', '/org/ttd', :endPoint, 'urn:altinn:resource:svc', '[]', :created,"
                        + " 'active')")
                .bind("id", id)
                .bind("key", UUID.randomUUID())
                .bind("endPoint", endPoint)
                .bind("created", Timestamps.of(Instant.parse("2026-11-01T00:00:00Z")))
                .execute()));
        jdbi.useHandle(h -> h.execute("UPDATE delivery_cursor SET dispatched_seq = 1234 WHERE id = 1"));

        try (JdbcStores stores = open.get()) {
            assertThat(stores.deliveryStore().dispatchCursors()).hasSize(EndpointPartitions.COUNT).containsOnly(1234L);
            UUID created = SubscriptionStoreContract.created(stores.subscriptionStore(),
                    "https://hooks.example.com/new", Instant.parse("2026-12-01T00:00:00Z")).id();

            Map<UUID, Integer> partitions = jdbi.withHandle(h -> h
                    .createQuery("SELECT id, endpoint_partition FROM subscriptions")
                    .map((rs, ctx) -> Map.entry(rs.getObject("id", UUID.class), rs.getInt("endpoint_partition")))
                    .list()).stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            assertThat(partitions).hasSize(41);
            old.forEach((id, endPoint) -> assertThat(partitions.get(id)).as(endPoint)
                    .isEqualTo(EndpointPartitions.partitionOf(endPoint)));
            assertThat(partitions.get(created)).isEqualTo(EndpointPartitions.partitionOf("https://hooks.example.com/new"));
            assertThat(partitions.values().stream().distinct().count()).as("40 endpoints spread over partitions")
                    .isGreaterThan(10);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> jdbi.useHandle(h -> h.createUpdate(
                            "INSERT INTO subscriptions (id, request_key, consumer, created_by, end_point,"
                            + " resource_filter, filters, created, status) VALUES (:id, :key, '/org/ttd', '/org/ttd',"
                            + " 'https://hooks.example.com/old-node', 'urn:altinn:resource:svc', '[]', :created,"
                            + " 'active')")
                    .bind("id", UUID.randomUUID())
                    .bind("key", UUID.randomUUID())
                    .bind("created", Timestamps.of(Instant.parse("2026-12-01T00:00:00Z")))
                    .execute()))
                    .as("a subscription without its endpoint's partition is refused").hasMessageMatching("(?is).*endpoint_partition.*");
        }
    }
}
