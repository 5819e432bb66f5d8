package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import events.domain.EventFilter;
import events.domain.EventsException;
import events.domain.StoredEvent;
import events.domain.UnableToStoreEventException;
import events.ports.EventStore;
import events.testkit.EventStoreContract;
import events.testkit.TestEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcStoresTest {
    @TempDir
    Path directory;

    @Test
    void createsTheDataDirectoryWhenMissing() {
        Path missing = directory.resolve("a/b/data");

        try (JdbcStores stores = JdbcStores.h2(missing)) {
            stores.eventStore().append(List.of(TestEvents.anEvent().build()));
        }

        assertThat(missing.resolve("events.mv.db")).isRegularFile();
    }

    @Test
    void keepsEventsAndContinuesSequencesAfterReopening() {
        StoredEvent first;
        try (JdbcStores stores = JdbcStores.h2(directory)) {
            first = stores.eventStore().append(List.of(TestEvents.anEvent().build())).get(0);
        }

        try (JdbcStores stores = JdbcStores.h2(directory)) {
            EventStore store = stores.eventStore();
            StoredEvent second = store.append(List.of(TestEvents.anEvent().build())).get(0);

            assertThat(store.append(List.of(first.event()))).isEmpty();
            assertThat(second.sequence()).isGreaterThan(first.sequence());
            assertThat(EventStoreContract.read(store, EventFilter.of(TestEvents.RESOURCE), 0, 50).events()).containsExactly(first, second);
        }
    }

    @Test
    void refusesAppendsAfterClose() {
        JdbcStores stores = JdbcStores.h2(directory);
        EventStore store = stores.eventStore();
        stores.close();

        assertThatThrownBy(() -> store.append(List.of(TestEvents.anEvent().build())))
                .isInstanceOf(UnableToStoreEventException.class);
        assertThat(store.isAvailable()).isFalse();
    }

    @Test
    void opensAnInMemoryH2DatabaseByUrl() {
        try (JdbcStores stores = JdbcStores.open("jdbc:h2:mem:opens-by-url", "sa", "")) {
            EventStore store = stores.eventStore();
            store.append(List.of(TestEvents.anEvent().build()));

            assertThat(EventStoreContract.read(store, EventFilter.of(TestEvents.RESOURCE), 0, 50).events()).hasSize(1);
            assertThat(store.isAvailable()).isTrue();
        }
    }

    @Test
    void writesEveryH2CommitToTheFileBeforeReturningUnlessTheUrlSaysOtherwise() {
        assertThat(JdbcStores.withH2Settings("jdbc:h2:file:/tmp/x"))
                .contains(";WRITE_DELAY=0").contains(";LOCK_TIMEOUT=").contains(";DB_CLOSE_ON_EXIT=FALSE");
        assertThat(JdbcStores.withH2Settings("jdbc:h2:file:/tmp/x;write_delay=100"))
                .doesNotContain("WRITE_DELAY=0");
    }

    @Test
    void runsH2InPostgresModeAndRefusesAnotherMode() {
        assertThat(JdbcStores.withH2Settings("jdbc:h2:file:/tmp/x")).contains(";MODE=PostgreSQL");
        assertThat(JdbcStores.withH2Settings("jdbc:h2:file:/tmp/x;MODE=PostgreSQL")).containsOnlyOnce("MODE=");
        assertThatThrownBy(() -> JdbcStores.withH2Settings("jdbc:h2:file:/tmp/x;MODE=MySQL"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MODE=PostgreSQL");
    }

    @Test
    void failsToOpenAnUnreachableDatabaseNamingItWithoutCredentials() {
        assertThatThrownBy(() -> JdbcStores.open("jdbc:postgresql://127.0.0.1:1/nowhere?password=secret", "u", "p"))
                .isInstanceOf(EventsException.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/nowhere")
                .hasMessageNotContaining("secret");
    }

    @Test
    void storesNothingInTheDirectoryBeyondTheDatabaseFiles() throws Exception {
        try (JdbcStores stores = JdbcStores.h2(directory)) {
            stores.eventStore().append(List.of(TestEvents.anEvent().build()));
        }
        try (var files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString())).allMatch(n -> n.startsWith("events."));
        }
    }
}
