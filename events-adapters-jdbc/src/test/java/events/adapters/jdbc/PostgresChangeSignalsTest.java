package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import events.ports.ChangeSignals;
import events.ports.ChangeSignals.Change;
import events.testkit.ChangeSignalsContract;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ChangeSignalsContract} over LISTEN/NOTIFY: every process is a {@link JdbcStores} with its own pool on one
 * schema, as server nodes on one database.
 */
class PostgresChangeSignalsTest extends ChangeSignalsContract {
    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    private final List<JdbcStores> stores = new ArrayList<>();
    private PostgresDatabase.Schema schema;

    @Override
    protected ChangeSignals newProcess() {
        if (schema == null) {
            schema = POSTGRES.newSchema();
        }
        return open(schema);
    }

    private ChangeSignals open(PostgresDatabase.Schema in) {
        JdbcStores node = JdbcStores.open(in.jdbcUrl(), in.user(), in.password());
        stores.add(node);
        return node.changeSignals();
    }

    @AfterEach
    void closeStores() {
        stores.forEach(JdbcStores::close);
    }

    @Test
    void processesOnAnotherSchemaOfTheDatabaseDoNotHearTheSignals() throws Exception {
        ChangeSignals a = newProcess();
        ChangeSignals b = newProcess();
        ChangeSignals elsewhere = open(POSTGRES.newSchema());
        BlockingQueue<Change> atB = heard(b);
        BlockingQueue<Change> atElsewhere = heard(elsewhere);

        announceUntilHeard(a, Change.EVENTS, atB);
        a.announce(Change.POLICIES);
        assertThat(atB.poll(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(atElsewhere.poll(500, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void listensAgainAfterItsConnectionIsCutAndTellsEveryListenerThatChangesMayHaveBeenMissed() throws Exception {
        ChangeSignals a = newProcess();
        ChangeSignals b = newProcess();
        BlockingQueue<Change> atB = heard(b);
        announceUntilHeard(a, Change.EVENTS, atB);
        drain(atB);

        String channel = ((PostgresChangeSignals) b).channel();
        try (Connection admin = DriverManager.getConnection(schema.jdbcUrl(), schema.user(), schema.password());
             PreparedStatement cut = admin.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                     + " WHERE query = ? AND pid <> pg_backend_pid()")) {
            cut.setString(1, "LISTEN \"" + channel + "\"");
            try (ResultSet rs = cut.executeQuery()) {
                int cutOff = 0;
                while (rs.next()) {
                    cutOff++;
                }
                assertThat(cutOff).as("listening connections cut (a's and b's)").isEqualTo(2);
            }
        }

        List<Change> missed = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (missed.size() < Change.values().length && System.nanoTime() < deadline) {
            Change c = atB.poll(100, TimeUnit.MILLISECONDS);
            if (c != null) {
                missed.add(c);
            }
        }
        assertThat(missed).containsExactlyInAnyOrder(Change.values());
        announceUntilHeard(a, Change.SUBSCRIPTIONS, atB);
    }
}
