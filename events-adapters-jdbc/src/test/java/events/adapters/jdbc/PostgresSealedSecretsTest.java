package events.adapters.jdbc;

import events.support.SecretBox;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SealedSecretsContract} on PostgreSQL, a fresh schema per test (dropped after the class). */
class PostgresSealedSecretsTest extends SealedSecretsContract {
    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    private PostgresDatabase.Schema schema;

    @BeforeEach
    void newSchema() {
        schema = POSTGRES.newSchema();
    }

    @Override
    protected JdbcStores open(List<byte[]> keys) {
        return keys.isEmpty()
                ? JdbcStores.open(schema.jdbcUrl(), schema.user(), schema.password())
                : JdbcStores.open(schema.jdbcUrl(), schema.user(), schema.password(), SecretBox.of(keys));
    }

    @Override
    protected Connection connect() throws SQLException {
        return DriverManager.getConnection(schema.jdbcUrl(), schema.user(), schema.password());
    }
}
