package events.adapters.jdbc;

import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;

/**
 * The stores' one way to a {@link Jdbi}: its statement exceptions leave the bound arguments (a webhook secret, an
 * event's content) and the statement out of their messages, which Jdbi renders into them by default. The driver's
 * own message, which Jdbi's repeats, can still quote values: what leaves the stores goes through
 * {@link DatabaseFailure}.
 */
final class Jdbis {
    private Jdbis() {
    }

    static Jdbi create(DataSource dataSource) {
        Jdbi jdbi = Jdbi.create(dataSource);
        jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.NONE);
        return jdbi;
    }
}
