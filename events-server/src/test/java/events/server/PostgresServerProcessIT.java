package events.server;

import events.adapters.jdbc.PostgresDatabase;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The jar's kill -9 scenario on PostgreSQL (skipped when PostgreSQL is unreachable, unless required). */
class PostgresServerProcessIT {
    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    @TempDir
    java.nio.file.Path dataDir;

    @Test
    void everyAcknowledgedEventSurvivesKill9OnPostgres() throws Exception {
        try (PostgresDatabase.Schema schema = POSTGRES.newSchema()) {
            Map<String, String> env = ServerProcessIT.env(dataDir);
            env.put("EVENTS_DB_URL", schema.jdbcUrl());
            env.put("EVENTS_DB_USER", schema.user());
            if (schema.password() != null) {
                env.put("EVENTS_DB_PASSWORD", schema.password());
            }
            ServerProcessIT.publishKillRestartAndPollEverythingBack(env);
        }
    }
}
