package events.adapters.jdbc;

import events.ports.EventStore;
import events.testkit.EventStoreContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link EventStoreContract} on an embedded H2 file database, a fresh directory per store. */
class H2EventStoreTest extends EventStoreContract {
    @TempDir
    Path directory;
    private final List<JdbcStores> opened = new ArrayList<>();

    @Override
    protected EventStore newStore() {
        JdbcStores stores = JdbcStores.h2(directory.resolve("db" + opened.size()));
        opened.add(stores);
        return stores.eventStore();
    }

    @Test
    void aClashOnTheSequenceFailsTheAppendRatherThanPassingForADuplicate() throws Exception {
        JdbcStores stores = JdbcStores.h2(directory.resolve("clash"));
        opened.add(stores);
        SequenceClash.failsTheNextAppend(stores, "RANDOM_UUID()");
    }

    @AfterEach
    void close() {
        opened.forEach(JdbcStores::close);
    }
}
