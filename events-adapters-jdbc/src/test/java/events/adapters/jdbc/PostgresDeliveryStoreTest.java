package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import events.domain.Delivery;
import events.domain.EndpointPartitions;
import events.domain.Subscription;
import events.domain.UnableToAccessSubscriptionsException;
import events.domain.WebhookSecret;
import events.ports.DeliveryQueue.NewDelivery;
import events.testkit.DeliveryLogContract;
import events.testkit.DeliveryNodesContract;
import events.testkit.DeliveryQueueContract;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link DeliveryQueueContract} (and, nested, the log's and the nodes') on PostgreSQL, a fresh schema per storage; the concurrency tests run three
 * stores (three pools, as three server nodes) on one schema, claiming with {@code FOR UPDATE SKIP LOCKED}.
 */
class PostgresDeliveryStoreTest extends DeliveryQueueContract {
    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    private final List<AutoCloseable> opened = new ArrayList<>();

    @Override
    protected Storage newStorage() {
        return open(POSTGRES.newSchema(), 1).get(0);
    }

    @Override
    protected List<Storage> storagesSharingOneDatabase() {
        return open(POSTGRES.newSchema(), 3);
    }

    private static final Instant T0 = H2DeliveryStoreTest.T0;

    @Test
    void dispatchThatFailsLeavesTheCursorAndQueuesNothing() {
        Storage storage = newStorage();
        Subscription s = created(storage);
        // PostgreSQL cannot store U+0000 in text: the second row fails the statement, and the transaction
        List<NewDelivery> deliveries = List.of(new NewDelivery(s.id(), 1, "e1"), new NewDelivery(s.id(), 2, "e\u00002"));

        assertThatThrownBy(() -> storage.deliveries().queue(deliveries, T0))
                .isInstanceOf(UnableToAccessSubscriptionsException.class);

        assertThat(storage.deliveries().dispatchCursor()).isZero();
        assertThat(storage.deliveries().nextDue(EndpointPartitions.ALL, Set.of())).isEmpty();
        assertThat(storage.deliveries().queue(List.of(new NewDelivery(s.id(), 1, "e1")), T0))
                .hasSize(1);
    }

    /** SKIP LOCKED: rows another node holds are passed over at once, not waited for. */
    @Test
    @Timeout(30)
    void claimDueSkipsDeliveriesAnotherNodeHoldsWithoutWaiting() throws Exception {
        PostgresDatabase.Schema schema = POSTGRES.newSchema();
        Storage storage = open(schema, 1).get(0);
        Subscription s = created(storage);
        List<NewDelivery> deliveries = new ArrayList<>();
        for (long seq = 1; seq <= 6; seq++) {
            deliveries.add(new NewDelivery(s.id(), seq, "e" + seq));
        }
        storage.deliveries().queue(deliveries, T0);

        try (Connection other = DriverManager.getConnection(schema.jdbcUrl(), schema.user(), schema.password())) {
            other.setAutoCommit(false);
            Set<Long> held = new HashSet<>();
            try (Statement st = other.createStatement();
                    ResultSet rs = st.executeQuery("SELECT id FROM deliveries ORDER BY id LIMIT 3 FOR UPDATE")) {
                while (rs.next()) {
                    held.add(rs.getLong(1));
                }
            }
            long started = System.nanoTime();

            List<Delivery> claimed = storage.deliveries().claimDue(T0, 10, T0.plusSeconds(60), EndpointPartitions.ALL, Set.of());

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(claimed).hasSize(3).noneSatisfy(d -> assertThat(held).contains(d.id()));
            other.rollback();
        }
        assertThat(storage.deliveries().claimDue(T0, 10, T0.plusSeconds(60), EndpointPartitions.ALL, Set.of())).hasSize(3);
    }

    private static Subscription created(Storage storage) {
        Subscription s = H2DeliveryStoreTest.subscription();
        storage.subscriptions().createIfAbsent(s, WebhookSecret.generate(new SecureRandom()));
        return s;
    }

    private List<Storage> open(PostgresDatabase.Schema schema, int nodes) {
        opened.add(schema);
        List<Storage> storages = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            JdbcStores node = JdbcStores.open(schema.jdbcUrl(), schema.user(), schema.password());
            opened.add(0, node);
            storages.add(new Storage(node.subscriptionStore(), node.deliveryStore()));
        }
        return storages;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    /** The {@link DeliveryLogContract} on the same storage. */
    @Nested
    class Log extends DeliveryLogContract {
        @Override
        protected Storage newStorage() {
            return PostgresDeliveryStoreTest.this.newStorage();
        }
    }

    /** The {@link DeliveryNodesContract} on the same storage. */
    @Nested
    class Nodes extends DeliveryNodesContract {
        @Override
        protected Storage newStorage() {
            return PostgresDeliveryStoreTest.this.newStorage();
        }

        @Override
        protected List<Storage> storagesSharingOneDatabase() {
            return PostgresDeliveryStoreTest.this.storagesSharingOneDatabase();
        }
    }
}
