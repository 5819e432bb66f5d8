package events.server;

import events.adapters.jdbc.PostgresDatabase;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link WebhookDeliveryTest} with the server on PostgreSQL (a fresh schema per test). */
class PostgresWebhookDeliveryTest extends WebhookDeliveryTest {
    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    private PostgresDatabase.Schema schema;

    @Override
    Map<String, String> environment() {
        schema = POSTGRES.newSchema();
        Map<String, String> env = new HashMap<>();
        env.put("EVENTS_DB_URL", schema.jdbcUrl());
        env.put("EVENTS_DB_USER", schema.user());
        if (schema.password() != null) {
            env.put("EVENTS_DB_PASSWORD", schema.password());
        }
        return env;
    }

    @Override
    void stopped() {
        schema.close();
    }
}
