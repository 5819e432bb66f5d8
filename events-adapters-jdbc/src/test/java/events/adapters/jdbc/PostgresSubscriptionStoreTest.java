package events.adapters.jdbc;

import events.ports.SubscriptionStore;
import events.support.SecretBox;
import events.testkit.SubscriptionStoreContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link SubscriptionStoreContract} on PostgreSQL, a fresh schema per store, secrets sealed as the server has them;
 * the tests of shared storage run three stores (three pools, as three server nodes with one key) on one schema.
 */
class PostgresSubscriptionStoreTest extends SubscriptionStoreContract {
    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final SecretBox box = SecretBox.random();

    @Override
    protected SubscriptionStore newStore() {
        return open(POSTGRES.newSchema(), 1).get(0);
    }

    @Override
    protected List<SubscriptionStore> storesSharingOneStorage() {
        return open(POSTGRES.newSchema(), 3);
    }

    private List<SubscriptionStore> open(PostgresDatabase.Schema schema, int nodes) {
        opened.add(schema);
        List<SubscriptionStore> stores = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            JdbcStores node = JdbcStores.open(schema.jdbcUrl(), schema.user(), schema.password(), box);
            opened.add(0, node);
            stores.add(node.subscriptionStore());
        }
        return stores;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }
}
