package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import events.domain.CloudEvent;
import events.domain.EventFilter;
import events.domain.StoredEvent;
import events.domain.UnableToReadEventsException;
import events.domain.UnableToStoreEventException;
import events.ports.EventStore;
import events.testkit.EventStoreContract;
import events.testkit.TestEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresJdbcStoresTest {
    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    @Test
    void leavesTheCallersPoolOpenWhenClosed() {
        try (PostgresDatabase.Schema schema = POSTGRES.newSchema(); HikariDataSource pool = pool(schema)) {
            JdbcStores.postgres(pool).close();

            assertThat(pool.isClosed()).isFalse();
            try (JdbcStores again = JdbcStores.postgres(pool)) {
                assertThat(again.eventStore().isAvailable()).isTrue();
            }
        }
    }

    @Test
    void refusesAPoolWhoseConnectionsDoNotDefaultToReadCommitted() {
        try (PostgresDatabase.Schema schema = POSTGRES.newSchema(); HikariDataSource pool = pool(schema, config ->
                config.setTransactionIsolation("TRANSACTION_SERIALIZABLE"))) {
            assertThatThrownBy(() -> JdbcStores.postgres(pool))
                    .isInstanceOf(events.domain.EventsException.class)
                    .hasMessageContaining("READ COMMITTED")
                    .hasMessageContaining("transactionIsolation=TRANSACTION_READ_COMMITTED");
        }
    }

    @Test
    void reportsUnavailableAndFailsWithStoreAndReadErrorsWhenTheDatabaseIsGone() {
        try (PostgresDatabase.Schema schema = POSTGRES.newSchema()) {
            HikariDataSource pool = pool(schema);
            try (JdbcStores stores = JdbcStores.postgres(pool)) {
                EventStore store = stores.eventStore();
                pool.close();

                assertThat(store.isAvailable()).isFalse();
                assertThatThrownBy(() -> store.append(List.of(TestEvents.anEvent().build())))
                        .isInstanceOf(UnableToStoreEventException.class);
                assertThatThrownBy(() -> EventStoreContract.read(store, EventFilter.of(TestEvents.RESOURCE), 0, 50))
                        .isInstanceOf(UnableToReadEventsException.class);
            }
        }
    }

    @Test
    void failsOnlyTheRequestThatCannotBeStoredWhenAppendsAreCommittedTogether() throws Exception {
        // PostgreSQL cannot store U+0000 in text: the one request carrying it fails, and fails whole. (Attributes
        // with it are refused by the domain; JSON data is not parsed there, and raw U+0000 is invalid JSON that
        // the HTTP API refuses, so only a library caller can hand it to the store.)
        try (PostgresDatabase.Schema schema = POSTGRES.newSchema();
                JdbcStores stores = JdbcStores.open(schema.jdbcUrl(), schema.user(), schema.password())) {
            EventStore store = stores.eventStore();
            CloudEvent goodHalfOfBadRequest = TestEvents.anEvent().build();
            CloudEvent bad = TestEvents.anEvent().jsonData("\"nul\u0000char\"").build();
            int requests = 32;
            ExecutorService threads = Executors.newFixedThreadPool(requests);
            List<Future<List<StoredEvent>>> results = new ArrayList<>();
            List<CloudEvent> good = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            try {
                for (int i = 0; i < requests; i++) {
                    List<CloudEvent> request = i == requests / 2
                            ? List.of(goodHalfOfBadRequest, bad)
                            : List.of(TestEvents.anEvent().build());
                    if (i != requests / 2) {
                        good.addAll(request);
                    }
                    results.add(threads.submit(() -> {
                        start.await();
                        return store.append(request);
                    }));
                }
                start.countDown();
                for (int i = 0; i < requests; i++) {
                    Future<List<StoredEvent>> result = results.get(i);
                    if (i == requests / 2) {
                        assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS))
                                .hasCauseInstanceOf(UnableToStoreEventException.class);
                    } else {
                        assertThat(result.get(30, TimeUnit.SECONDS)).hasSize(1);
                    }
                }
            } finally {
                threads.shutdownNow();
            }

            List<CloudEvent> stored = EventStoreContract.read(store, EventFilter.of(TestEvents.RESOURCE), 0, 1000).events()
                    .stream().map(StoredEvent::event).collect(Collectors.toList());
            assertThat(stored).containsExactlyInAnyOrderElementsOf(good);
        }
    }

    @Test
    void migratesOnceWhenSeveralNodesStartTogether() throws Exception {
        try (PostgresDatabase.Schema schema = POSTGRES.newSchema()) {
            ExecutorService threads = Executors.newFixedThreadPool(3);
            List<Future<JdbcStores>> nodes = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    nodes.add(threads.submit(() -> JdbcStores.open(schema.jdbcUrl(), schema.user(), schema.password())));
                }
                List<JdbcStores> opened = new ArrayList<>();
                for (Future<JdbcStores> node : nodes) {
                    opened.add(node.get(60, TimeUnit.SECONDS));
                }
                for (JdbcStores node : opened) {
                    node.eventStore().append(List.of(TestEvents.anEvent().build()));
                }
                assertThat(EventStoreContract.read(opened.get(0).eventStore(), EventFilter.of(TestEvents.RESOURCE), 0, 50).events())
                        .hasSize(3);
                opened.forEach(JdbcStores::close);
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void detectsDuplicatesAlsoWhenTheDriverRewritesBatches() {
        try (PostgresDatabase.Schema schema = POSTGRES.newSchema();
             HikariDataSource pool = pool(schema, "reWriteBatchedInserts")) {
            try (JdbcStores stores = JdbcStores.postgres(pool)) {
                EventStore store = stores.eventStore();
                CloudEvent first = TestEvents.anEvent().build();
                CloudEvent second = TestEvents.anEvent().build();
                assertThat(store.append(List.of(first))).hasSize(1);

                List<StoredEvent> stored = store.append(List.of(first, second, TestEvents.anEvent().build()));

                assertThat(stored).extracting(StoredEvent::event).doesNotContain(first).contains(second).hasSize(2);
                assertThat(EventStoreContract.read(store, EventFilter.of(TestEvents.RESOURCE), 0, 50).events()).hasSize(3);
            }
        }
    }

    private static HikariDataSource pool(PostgresDatabase.Schema schema, String... enabledDriverProperties) {
        return pool(schema, config -> {
            for (String property : enabledDriverProperties) {
                config.addDataSourceProperty(property, "true");
            }
        });
    }

    private static HikariDataSource pool(PostgresDatabase.Schema schema,
            java.util.function.Consumer<HikariConfig> settings) {
        HikariConfig config = new HikariConfig();
        settings.accept(config);
        config.setJdbcUrl(schema.jdbcUrl());
        config.setUsername(schema.user());
        config.setPassword(schema.password());
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }
}
