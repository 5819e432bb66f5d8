package events.adapters.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link FailureMessagesContract} on an embedded H2 file database, which quotes offending values in its messages. */
class H2FailureMessagesTest extends FailureMessagesContract {
    @TempDir
    Path directory;

    @Override
    JdbcStores open() {
        return JdbcStores.h2(directory);
    }
}
