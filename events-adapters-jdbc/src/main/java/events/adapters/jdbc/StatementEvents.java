package events.adapters.jdbc;

import org.jdbi.v3.core.statement.JdbiStatementEvent;

/**
 * Keeps Jdbi's flight-recorder event ({@code jdbi.statement}) out of every recording. Jdbi registers it enabled,
 * with no switch, and renders each statement's parameters into it: for an append that is every event of the
 * group, once more as text. A recording of a PostgreSQL delivery benchmark held 161 948 of these events (91 of
 * its 128 MB); during it the server's 256 MB heap stayed full after collections (236 to 239 MB), full
 * collections ran back to back and the publish round trip reached a median of 6.5 s. A flight recording taken
 * to diagnose a loaded server must not do that.
 */
final class StatementEvents {
    /** Jdbi's class that registers the event when it is initialized. */
    private static final String JDBI_REGISTRAR = "org.jdbi.v3.core.statement.internal.JfrSupport";

    private StatementEvents() {
    }

    /** Unregisters the event (after Jdbi registered it, else Jdbi's first statement would register it again). */
    static void keepOutOfRecordings() {
        if (ModuleLayer.boot().findModule("jdk.jfr").isEmpty()) {
            return;
        }
        try {
            Class.forName(JDBI_REGISTRAR, true, JdbiStatementEvent.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            // another Jdbi version registers it elsewhere; the test of this class says so
        }
        Recorder.unregister();
    }

    /** Loaded only when the jdk.jfr module is present. */
    private static final class Recorder {
        static void unregister() {
            jdk.jfr.FlightRecorder.unregister(JdbiStatementEvent.class);
        }
    }
}
