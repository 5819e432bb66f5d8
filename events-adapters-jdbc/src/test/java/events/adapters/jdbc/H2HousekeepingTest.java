package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import events.testkit.TestEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2HousekeepingTest {
    private static final int COMMITS = 3000;

    @TempDir
    Path directory;

    @Test
    void reclaimsTheSpaceOfEarlierCommitsSoTheFileStaysSmall() throws Exception {
        // RETENTION_TIME=0: a dead chunk's space may be reused at once, so the test need not wait 5 s for it.
        try (JdbcStores stores = JdbcStores.open("jdbc:h2:file:" + directory.resolve("events") + ";RETENTION_TIME=0",
                "sa", "")) {
            for (int i = 0; i < COMMITS; i++) {
                stores.eventStore().append(List.of(TestEvents.anEvent().build())); // one commit, one chunk each
            }
            MVStore store = H2Housekeeping.storeOf(stores.dataSource());
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (store.getFileStore().getChunksFillRate() < 20 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }

            // Without housekeeping, under WRITE_DELAY=0: 7 % live and a 17 MB file; with it 27-45 % and 4-5 MB.
            assertThat(store.getFileStore().getChunksFillRate()).isGreaterThanOrEqualTo(20);
            assertThat(Files.size(directory.resolve("events.mv.db"))).isLessThan(COMMITS * 4096L * 3 / 4);
        }
    }

    @Test
    void keepsNoThreadForAnInMemoryDatabase() {
        try (JdbcStores stores = JdbcStores.open("jdbc:h2:mem:housekeeping-" + System.nanoTime(), "sa", "")) {
            assertThat(H2Housekeeping.start(stores.dataSource())).isNull();
        }
    }
}
