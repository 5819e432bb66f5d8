package events.adapters.jdbc;

import java.time.Duration;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementExceptions;

/**
 * The stores' one way to a {@link Jdbi}: its statement exceptions leave the bound arguments (a webhook secret, an
 * event's content) and the statement out of their messages, which Jdbi renders into them by default. The driver's
 * own message, which Jdbi's repeats, can still quote values: what leaves the stores goes through
 * {@link DatabaseFailure}.
 *
 * <p>Every statement has a timeout ({@link #STATEMENT_TIMEOUT}): every query of the stores is bounded in the rows
 * it reads, so one that runs this long is stuck (a lock, a plan gone wrong) and is cancelled rather than holding
 * its connection and its caller. On PostgreSQL the driver cancels it ({@code Statement.setQueryTimeout}); on H2 the
 * database does, from the {@code QUERY_TIMEOUT} that {@link JdbcStores} puts in the URL: H2's driver carries
 * {@code setQueryTimeout} out by running {@code SET QUERY_TIMEOUT} on the connection, inside whatever transaction
 * is open, and with it set per statement, the kill -9 durability test lost acknowledged appends (2 runs in 11;
 * none in 8 without it).
 */
final class Jdbis {
    /** How long one statement may run before the driver cancels it. */
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(15);

    private Jdbis() {
    }

    static Jdbi create(DataSource dataSource) {
        return create(dataSource, STATEMENT_TIMEOUT);
    }

    static Jdbi create(DataSource dataSource, Duration statementTimeout) {
        Jdbi jdbi = Jdbi.create(dataSource);
        jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.NONE);
        if (JdbcDeliveryStore.isPostgres(dataSource)) {
            jdbi.getConfig(SqlStatements.class)
                    .setQueryTimeout(Math.toIntExact(Math.max(1, statementTimeout.toSeconds())));
        }
        return jdbi;
    }
}
