package events.adapters.jdbc;

import events.ports.EventStore;
import events.testkit.EventStoreContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link EventStoreContract} on PostgreSQL, a fresh schema per store; the concurrency test runs three stores
 * (three pools, as three server nodes) on one schema.
 */
class PostgresEventStoreTest extends EventStoreContract {
    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    private final List<AutoCloseable> opened = new ArrayList<>();

    @Override
    protected EventStore newStore() {
        return open(POSTGRES.newSchema(), 1).get(0);
    }

    @Override
    protected List<EventStore> storesSharingOneDatabase() {
        return open(POSTGRES.newSchema(), 3);
    }

    private List<EventStore> open(PostgresDatabase.Schema schema, int nodes) {
        opened.add(schema);
        List<EventStore> stores = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            JdbcStores node = JdbcStores.open(schema.jdbcUrl(), schema.user(), schema.password());
            opened.add(0, node);
            stores.add(node.eventStore());
        }
        return stores;
    }

    @Test
    void aClashOnTheSequenceFailsTheAppendRatherThanPassingForADuplicate() throws Exception {
        PostgresDatabase.Schema schema = POSTGRES.newSchema();
        opened.add(schema);
        JdbcStores stores = JdbcStores.open(schema.jdbcUrl(), schema.user(), schema.password());
        opened.add(0, stores);
        SequenceClash.failsTheNextAppend(stores, "gen_random_uuid()");
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }
}
