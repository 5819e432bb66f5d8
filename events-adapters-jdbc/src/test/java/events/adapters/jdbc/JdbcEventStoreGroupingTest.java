package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import events.domain.CloudEvent;
import events.domain.StoredEvent;
import events.ports.EventStore;
import events.testkit.TestEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the writer groups appends into commits (group limits, lingering), on in-memory H2. */
class JdbcEventStoreGroupingTest {
    private final JdbcStores stores = JdbcStores.open("jdbc:h2:mem:grouping-" + System.nanoTime(), "sa", "");
    private final EventStore store = stores.eventStore();

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void appendsThatDoNotFitOneGroupAreCommittedInTheNext() throws Exception {
        // Each batch is more than half a group: the writer takes one from the queue that no longer fits, and
        // it must start the next group rather than be lost.
        int batch = JdbcEventStore.MAX_GROUP_EVENTS / 2 + 1;
        List<CompletableFuture<List<StoredEvent>>> appends = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            appends.add(store.appendAsync(IntStream.range(0, batch).mapToObj(n -> TestEvents.anEvent().build())
                    .toList()));
        }

        for (CompletableFuture<List<StoredEvent>> append : appends) {
            assertThat(append.get(30, TimeUnit.SECONDS)).hasSize(batch);
        }
    }

    @Test
    void aLonePublisherDoesNotWaitForOthersToJoinItsCommit() {
        int appends = 300;
        long started = System.nanoTime();
        for (int i = 0; i < appends; i++) {
            CloudEvent event = TestEvents.anEvent().build();
            store.append(List.of(event)); // one at a time: each group holds one append
        }
        long took = System.nanoTime() - started;

        // Lingering would make each append wait the whole linger time for company that never comes.
        assertThat(took).isLessThan(appends * JdbcEventStore.LINGER_NANOS);
    }
}
