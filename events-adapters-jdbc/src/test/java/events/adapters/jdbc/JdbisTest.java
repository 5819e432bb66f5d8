package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/** On PostgreSQL every statement of the stores is cancelled once it has run past the statement timeout. */
class JdbisTest {
    @RegisterExtension
    static final PostgresDatabase POSTGRES = new PostgresDatabase();

    @Test
    void postgresCancelsAStatementThatRunsPastTheTimeout() {
        PostgresDatabase.Schema schema = POSTGRES.newSchema();
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setUrl(schema.jdbcUrl());
        pg.setUser(schema.user());
        pg.setPassword(schema.password());
        Jdbi jdbi = Jdbis.create(pg, Duration.ofSeconds(1));

        assertThatThrownBy(() -> jdbi.withHandle(handle -> handle.createQuery("SELECT pg_sleep(30)")
                .mapTo(String.class).one()))
                .isInstanceOf(JdbiException.class)
                .rootCause().hasMessageContaining("cancel");
    }
}
