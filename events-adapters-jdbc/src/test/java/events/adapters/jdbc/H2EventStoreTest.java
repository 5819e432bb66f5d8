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

    /** 20 patterns of 256 characters against types of 1 024: the read stops at its matching budget, not at 1 000. */
    @Test
    void aReadStopsMatchingTypesPastItsBudgetAndSaysWhere() {
        EventStore store = newStore();
        List<events.domain.StoredEvent> stored = store.append(java.util.stream.IntStream.range(0, 50)
                .mapToObj(i -> events.testkit.TestEvents.anEvent().type("a".repeat(events.domain.CloudEvent.MAX_TYPE_LENGTH))
                        .build()).toList());
        String hostile = "%" + "a%".repeat(7) + "b".repeat(241);
        events.domain.EventFilter filter = new events.domain.EventFilter(events.testkit.TestEvents.RESOURCE, null, null,
                java.util.Collections.nCopies(20, new events.domain.TypePattern(hostile)));

        events.ports.EventScan scan = store.read(filter, 0, 50, 1000);

        long perEvent = filter.matchCost(events.domain.CloudEvent.MAX_TYPE_LENGTH);
        org.assertj.core.api.Assertions.assertThat(scan.events()).isEmpty();
        org.assertj.core.api.Assertions.assertThat(scan.examined()).isPositive().isLessThan(50)
                .isEqualTo((int) ((JdbcEventStore.MATCH_STEPS_PER_READ + perEvent - 1) / perEvent));
        org.assertj.core.api.Assertions.assertThat(scan.next()).isEqualTo(stored.get(scan.examined() - 1).sequence());
    }

    @AfterEach
    void close() {
        opened.forEach(JdbcStores::close);
    }
}
