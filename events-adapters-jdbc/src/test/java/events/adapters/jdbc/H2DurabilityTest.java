package events.adapters.jdbc;

import static events.testkit.EventStoreContract.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import events.domain.StoredEvent;
import events.ports.EventStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An acknowledged append survives kill -9 of the JVM right after the acknowledgement. */
class H2DurabilityTest {
    private static final int ACKS_BEFORE_KILL = 300;

    @TempDir
    Path directory;

    @Test
    @Timeout(120)
    void findsEveryAcknowledgedEventAfterKill9() throws Exception {
        Path db = directory.resolve("db");
        java.nio.file.Files.createDirectories(db);
        String url = "jdbc:h2:file:" + db.toAbsolutePath().resolve("events");

        Set<String> acknowledged = appendUntilKilled(url);

        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
        try (JdbcStores reopened = JdbcStores.open(url, "sa", "")) {
            Set<String> stored = new HashSet<>();
            for (StoredEvent e : readAll(reopened.eventStore())) {
                stored.add(e.event().id());
            }
            Set<String> lost = new HashSet<>(acknowledged);
            lost.removeAll(stored);
            assertThat(lost).as("acknowledged events lost by kill -9 (%d acknowledged)", acknowledged.size())
                    .isEmpty();
        }
    }

    /** Runs {@link H2AppendingProcess}, SIGKILLs it right after {@value #ACKS_BEFORE_KILL} acks; all acked ids. */
    static Set<String> appendUntilKilled(String url) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                H2AppendingProcess.class.getName(), url, "4");
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process child = builder.start();
        Set<String> acknowledged = new HashSet<>();
        List<String> other = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean killed = false;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acknowledged.add(line.substring(4));
                    if (!killed && acknowledged.size() >= ACKS_BEFORE_KILL) {
                        // SIGKILL on Linux; unlike Process.destroyForcibly() it leaves our end of the pipe
                        // open, so the acks the child printed before dying are still read below.
                        child.toHandle().destroyForcibly();
                        killed = true;
                    }
                } else if (!line.equals("READY")) {
                    other.add(line);
                }
            }
            assertThat(killed).as("child was killed after its acks; other output: %s", other).isTrue();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        return acknowledged;
    }
}
