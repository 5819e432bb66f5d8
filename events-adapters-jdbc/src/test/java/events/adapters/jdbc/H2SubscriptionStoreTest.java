package events.adapters.jdbc;

import events.ports.SubscriptionStore;
import events.support.SecretBox;
import events.testkit.SubscriptionStoreContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SubscriptionStoreContract} on an embedded H2 file database, a fresh directory per store, secrets sealed as
 * the server has them; the tests of shared storage open the same files twice (two pools in this process, one key).
 */
class H2SubscriptionStoreTest extends SubscriptionStoreContract {
    @TempDir
    Path directory;
    private final List<JdbcStores> opened = new ArrayList<>();
    private final SecretBox box = SecretBox.random();

    @Override
    protected SubscriptionStore newStore() {
        return open(directory.resolve("db" + opened.size())).subscriptionStore();
    }

    @Override
    protected List<SubscriptionStore> storesSharingOneStorage() {
        Path db = directory.resolve("shared" + opened.size());
        return List.of(open(db).subscriptionStore(), open(db).subscriptionStore());
    }

    private JdbcStores open(Path db) {
        JdbcStores stores = JdbcStores.h2(db, box);
        opened.add(stores);
        return stores;
    }

    @AfterEach
    void close() {
        opened.forEach(JdbcStores::close);
    }
}
