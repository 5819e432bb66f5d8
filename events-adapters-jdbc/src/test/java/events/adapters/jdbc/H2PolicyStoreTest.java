package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import events.domain.ResourcePolicy;
import events.domain.UnableToAccessPoliciesException;
import events.ports.PolicyStore;
import events.testkit.PolicyStoreContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PolicyStoreContract} on an embedded H2 file database, a fresh directory per store. */
class H2PolicyStoreTest extends PolicyStoreContract {
    private static final String RESOURCE = "urn:altinn:resource:ttd-app";

    @TempDir
    Path directory;
    private final List<JdbcStores> opened = new ArrayList<>();

    @Override
    protected PolicyStore newStore() {
        return open(directory.resolve("db" + opened.size())).policyStore();
    }

    @Test
    void keepsPoliciesAndContinuesTheRevisionAfterReopening() {
        Path db = directory.resolve("reopened");
        ResourcePolicy put;
        try (JdbcStores stores = JdbcStores.h2(db)) {
            put = stores.policyStore().put(RESOURCE, "<Policy/>");
        }

        try (JdbcStores stores = JdbcStores.h2(db)) {
            PolicyStore store = stores.policyStore();

            assertThat(store.get(RESOURCE)).contains(put);
            assertThat(store.revision()).isEqualTo(put.revision());
            assertThat(store.put(RESOURCE, "<Policy/>").revision()).isGreaterThan(put.revision());
        }
    }

    @Test
    void failsNamingTheResourceWhenTheDatabaseIsClosed() {
        JdbcStores stores = JdbcStores.h2(directory.resolve("closed"));
        PolicyStore store = stores.policyStore();
        stores.close();

        assertThatThrownBy(() -> store.get(RESOURCE))
                .isInstanceOf(UnableToAccessPoliciesException.class).hasMessageContaining(RESOURCE);
        assertThatThrownBy(() -> store.put(RESOURCE, "<Policy/>"))
                .isInstanceOf(UnableToAccessPoliciesException.class).hasMessageContaining(RESOURCE);
        assertThatThrownBy(() -> store.delete(RESOURCE))
                .isInstanceOf(UnableToAccessPoliciesException.class).hasMessageContaining(RESOURCE);
        assertThatThrownBy(store::revision).isInstanceOf(UnableToAccessPoliciesException.class);
        assertThatThrownBy(store::resources).isInstanceOf(UnableToAccessPoliciesException.class);
    }

    private JdbcStores open(Path db) {
        JdbcStores stores = JdbcStores.h2(db);
        opened.add(stores);
        return stores;
    }

    @AfterEach
    void close() {
        opened.forEach(JdbcStores::close);
    }
}
