package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import events.domain.CloudEvent;
import events.domain.UnableToStoreEventException;
import events.ports.EventStore;
import events.testkit.TestEvents;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A row planted at the next sequence the counter gives out (only a bug or a hand-made row could put one there):
 * the next append must fail, not pass for a duplicate. Only a clash on the duplicate key means "stored already";
 * acknowledging the event would lose it.
 */
final class SequenceClash {
    private SequenceClash() {
    }

    /** {@code randomUuid}: the database's SQL for a random UUID. */
    static void failsTheNextAppend(JdbcStores stores, String randomUuid) throws SQLException {
        EventStore store = stores.eventStore();
        store.append(List.of(TestEvents.anEvent().build()));
        long before = store.lastSequence();
        try (Connection c = stores.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO events (seq, dedup_key, spec_version, event_id, source, event_type, resource)"
                    + " SELECT last_seq + 1, " + randomUuid + ", '1.0', 'planted', 'urn:test', 'planted',"
                    + " 'urn:altinn:resource:planted' FROM event_sequence");
        }
        CloudEvent event = TestEvents.anEvent().build();

        assertThatThrownBy(() -> store.append(List.of(event))).isInstanceOf(UnableToStoreEventException.class);
        assertThat(store.lastSequence()).as("only the planted row is after the first event").isEqualTo(before + 1);
    }
}
