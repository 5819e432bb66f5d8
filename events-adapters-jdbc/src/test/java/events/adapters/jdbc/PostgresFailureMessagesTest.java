package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link FailureMessagesContract} on PostgreSQL, whose messages carry the key of a unique violation in their
 * detail; a fresh schema per test.
 */
class PostgresFailureMessagesTest extends FailureMessagesContract {
    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    @Override
    JdbcStores open() {
        PostgresDatabase.Schema schema = POSTGRES.newSchema();
        return JdbcStores.open(schema.jdbcUrl(), schema.user(), schema.password());
    }

    @Test
    void theDriverLeavesTheServersDetailOutOfItsMessages() throws Exception {
        String marker = "whsec_detail-" + java.util.UUID.randomUUID();
        try (JdbcStores stores = open(); Connection c = stores.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE once (v VARCHAR PRIMARY KEY)");
            s.execute("INSERT INTO once VALUES ('" + marker + "')");

            Throwable clash = catchThrowable(() -> s.execute("INSERT INTO once VALUES ('" + marker + "')"));

            assertThat(clash).hasMessageContaining("duplicate key");
            assertThat(everythingSaidBy(clash)).doesNotContain(marker);
        }
    }
}
