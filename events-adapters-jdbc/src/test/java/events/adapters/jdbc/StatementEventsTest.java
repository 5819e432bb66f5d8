package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import events.domain.EventFilter;
import events.testkit.EventStoreContract;
import events.testkit.TestEvents;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Event;
import jdk.jfr.Name;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatementEventsTest {
    @TempDir
    Path directory;

    @Name("events.test.Marker")
    static final class Marker extends Event {
    }

    @Test
    void aFlightRecordingHoldsNoJdbiStatementEvents() throws Exception {
        Path file = directory.resolve("recording.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdbi.statement");
            recording.enable(Marker.class);
            recording.start();
            try (JdbcStores stores = JdbcStores.h2(directory.resolve("data"))) {
                stores.eventStore().append(List.of(TestEvents.anEvent().build()));
                EventStoreContract.read(stores.eventStore(), EventFilter.of(TestEvents.RESOURCE), 0, 50);
            }
            new Marker().commit();
            recording.stop();
            recording.dump(file);
        }

        List<String> names = RecordingFile.readAllEvents(file).stream()
                .map(RecordedEvent::getEventType)
                .map(type -> type.getName())
                .toList();
        assertThat(names).contains("events.test.Marker").doesNotContain("jdbi.statement");
    }
}
