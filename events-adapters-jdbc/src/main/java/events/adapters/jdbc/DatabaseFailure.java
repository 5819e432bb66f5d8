package events.adapters.jdbc;

import events.domain.EventsException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.jdbi.v3.core.statement.StatementException;

/**
 * A failure of the database as it may leave this adapter: what failed, never with which values. Jdbi renders a
 * statement's bound arguments into its exception messages; H2 quotes the offending values in its own (a value too
 * long, the key of a unique violation, a conversion); PostgreSQL puts the key of a unique violation or the whole
 * failing row into its detail. Any of them would carry a webhook signing secret or an event's content into the log
 * of whoever logs the failure (the HTTP adapter logs the cause of every 503).
 *
 * <p>{@link #of} copies a failure and its causes and suppressed exceptions, each as one of these with the original's
 * stack trace and a message naming its class; with its SQLState and vendor code for an {@link SQLException} (and
 * its message for a connection failure, SQLState class 08 or the pool's time-out, which quotes no stored value);
 * with the statement as written (its {@code :named} placeholders, never their values) for a Jdbi statement
 * failure; and with the message of this project's own exceptions, written to name no stored value. Every other
 * message is left out.
 */
final class DatabaseFailure extends RuntimeException {
    private static final int MAX_SQL_CHARS = 300;

    private DatabaseFailure(String message, Throwable cause, StackTraceElement[] stackTrace) {
        super(message, cause);
        setStackTrace(stackTrace);
    }

    /** {@code failure} without any message that may quote a value; null for null. */
    static DatabaseFailure of(Throwable failure) {
        return failure == null ? null : of(failure, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static DatabaseFailure of(Throwable failure, Set<Throwable> seen) {
        if (!seen.add(failure)) {
            return new DatabaseFailure(failure.getClass().getName() + " (seen above)", null, new StackTraceElement[0]);
        }
        DatabaseFailure copy = new DatabaseFailure(describe(failure),
                failure.getCause() == null ? null : of(failure.getCause(), seen), failure.getStackTrace());
        for (Throwable suppressed : failure.getSuppressed()) {
            copy.addSuppressed(of(suppressed, seen));
        }
        return copy;
    }

    private static String describe(Throwable failure) {
        String name = failure.getClass().getName();
        if (failure instanceof DatabaseFailure) {
            return failure.getMessage();
        }
        if (failure instanceof EventsException) {
            return name + ": " + failure.getMessage();
        }
        if (failure instanceof SQLException sql) {
            String state = sql.getSQLState();
            String described = name + " (SQLState " + state + ", vendor code " + sql.getErrorCode() + ")";
            boolean connection = state != null && state.startsWith("08")
                    || sql instanceof SQLTransientConnectionException;
            return connection ? described + ": " + sql.getMessage() : described;
        }
        if (failure instanceof StatementException statement && statement.getStatementContext() != null
                && statement.getStatementContext().getRawSql() != null) {
            return name + " in " + shortened(statement.getStatementContext().getRawSql());
        }
        return name;
    }

    private static String shortened(String sql) {
        String oneLine = sql.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= MAX_SQL_CHARS ? oneLine : oneLine.substring(0, MAX_SQL_CHARS) + "...";
    }
}
