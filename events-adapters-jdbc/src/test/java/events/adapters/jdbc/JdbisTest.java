package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.h2.jdbcx.JdbcDataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/** Every statement of the stores is cancelled once it has run past the statement timeout, on either database. */
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

    /** H2 takes the timeout from the URL (its driver would SET it inside open transactions). */
    @Test
    void h2UrlsCarryTheTimeoutAndH2CancelsAStatementPastIt() throws Exception {
        assertThat(JdbcStores.withH2Settings("jdbc:h2:mem:x")).contains(";QUERY_TIMEOUT=15000");
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(JdbcStores.withH2Settings("jdbc:h2:mem:jdbis-timeout;DB_CLOSE_DELAY=-1").replace("15000", "1000"));

        try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> {
                try (ResultSet r = s.executeQuery(
                        "SELECT COUNT(*) FROM SYSTEM_RANGE(1, 100000000000) a WHERE MOD(a.X, 7) = 3")) {
                    r.next();
                }
            }).hasMessageContaining("cancel");
        }
    }
}
