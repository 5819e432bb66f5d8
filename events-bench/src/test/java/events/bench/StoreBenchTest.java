package events.bench;

import static org.assertj.core.api.Assertions.assertThat;

import events.adapters.jdbc.JdbcStores;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreBenchTest {
    @TempDir
    Path dir;

    @Test
    void storesEveryAppendItCountsAndChargesTheWriterThreadsCpu() throws Exception {
        try (JdbcStores stores = JdbcStores.h2(dir.resolve("data"))) {
            StoreBench.Run run = new StoreBench(stores.eventStore(), false)
                    .run(4, new LoadGenerator.Warmup(0, false), 1, "test");

            assertThat(run.result().errors()).isZero();
            assertThat(run.result().requests()).isPositive();
            // those counted are some of the appends stored (the warm-up's are not counted), each its own sequence
            assertThat(stores.eventStore().lastSequence()).isGreaterThanOrEqualTo(run.result().requests());
            assertThat(run.writerMicros()).isPositive();
            assertThat(run.processMicros()).isGreaterThanOrEqualTo(run.writerMicros());
            assertThat(run.postgresMicros()).isNaN();
        }
    }

    @Test
    void countsNoCpuForProcessesThatDoNotExist() {
        assertThat(CpuOfProcesses.named("no-such-process-name")).isZero();
    }
}
