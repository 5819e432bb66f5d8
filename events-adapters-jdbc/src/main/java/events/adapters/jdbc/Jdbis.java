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
 * <p>On PostgreSQL every statement has a timeout ({@link #STATEMENT_TIMEOUT}): every query of the stores is bounded
 * in the rows it reads, so one that runs this long is stuck (a lock, a plan gone wrong) and the driver cancels it
 * rather than let it hold its connection and its caller. On H2 there is none: with H2's query timeout, set per
 * statement (its driver runs {@code SET QUERY_TIMEOUT} inside the open transaction) or per session (in the URL),
 * kill -9 tests lost acknowledged appends (H2DurabilityTest 2 runs of 11 per statement; ServerProcessIT once per
 * session), which they never did without it. H2's waits are bounded by its {@code LOCK_TIMEOUT} instead.
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
