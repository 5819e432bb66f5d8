package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.h2.jdbcx.JdbcDataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.Test;

class JdbisTest {

    /** A statement that would run for minutes is cancelled by the driver once the timeout has passed. */
    @Test
    void cancelsAStatementThatRunsPastTheTimeout() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:jdbis-timeout;DB_CLOSE_DELAY=-1");
        Jdbi jdbi = Jdbis.create(h2, Duration.ofSeconds(1));

        assertThatThrownBy(() -> jdbi.withHandle(handle -> handle
                .createQuery("SELECT COUNT(*) FROM SYSTEM_RANGE(1, 100000000000) a WHERE MOD(a.X, 7) = 3")
                .mapTo(Long.class).one()))
                .isInstanceOf(JdbiException.class)
                .rootCause().hasMessageContaining("cancel");
    }
}
