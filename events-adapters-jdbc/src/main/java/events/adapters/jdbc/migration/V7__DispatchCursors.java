package events.adapters.jdbc.migration;

import events.domain.EndpointPartitions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Gives every endpoint partition a dispatch cursor of its own ({@code dispatch_cursors}, one row per partition,
 * each starting where the one cursor of {@code delivery_cursor} was) and drops {@code delivery_cursor} with its
 * dispatcher's lease: the process that owns a partition dispatches new events to that partition's endpoints. Runs in
 * the migration's transaction. Not for use otherwise: Flyway finds it by its name.
 */
public final class V7__DispatchCursors extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        long dispatched;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT dispatched_seq FROM delivery_cursor WHERE id = 1")) {
            dispatched = rs.next() ? rs.getLong(1) : 0;
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE dispatch_cursors (endpoint_partition SMALLINT PRIMARY KEY,"
                    + " dispatched_seq BIGINT NOT NULL)");
        }
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO dispatch_cursors (endpoint_partition, dispatched_seq) VALUES (?, ?)")) {
            for (int p = 0; p < EndpointPartitions.COUNT; p++) {
                insert.setShort(1, (short) p);
                insert.setLong(2, dispatched);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE delivery_cursor");
        }
    }
}
