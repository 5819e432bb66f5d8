package events.adapters.jdbc;

import org.jdbi.v3.core.argument.Argument;

/** Array parameters for PostgreSQL statements that take one array per column ({@code unnest}). */
final class PostgresArrays {
    private PostgresArrays() {
    }

    /**
     * A {@code Long[]} or {@code String[]} handed to PostgreSQL's driver as it is ({@code int8[]}, {@code
     * varchar[]}), which encodes it in binary. {@code Connection.createArrayOf} (Jdbi's {@code bindArray}) first
     * writes the whole array as one escaped text literal: for a group of events, two more copies of every event's
     * data.
     */
    static Argument of(Object[] values) {
        if (!(values instanceof Long[]) && !(values instanceof String[])) {
            throw new IllegalArgumentException("only Long[] and String[] are passed as they are, not "
                    + values.getClass().getSimpleName());
        }
        return (position, statement, ctx) -> statement.setObject(position, values);
    }
}
