package events.adapters.jdbc.migration;

import events.domain.EndpointPartitions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Fills {@code subscriptions.endpoint_partition} (added by V5) for the subscriptions that existed before it, with
 * {@link EndpointPartitions#partitionOf} of their endpoint (a function SQL does not have on both databases), then
 * makes it NOT NULL. Runs in the migration's transaction. Not for use otherwise: Flyway finds it by its name.
 */
public final class V6__EndpointPartitions extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        Map<UUID, String> endpoints = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, end_point FROM subscriptions")) {
            while (rs.next()) {
                endpoints.put(rs.getObject(1, UUID.class), rs.getString(2));
            }
        }
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE subscriptions SET endpoint_partition = ? WHERE id = ?")) {
            int batched = 0;
            for (Map.Entry<UUID, String> e : endpoints.entrySet()) {
                update.setShort(1, (short) EndpointPartitions.partitionOf(e.getValue()));
                update.setObject(2, e.getKey());
                update.addBatch();
                if (++batched % 1000 == 0) {
                    update.executeBatch();
                }
            }
            update.executeBatch();
        }
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE subscriptions ALTER COLUMN endpoint_partition SET NOT NULL");
        }
    }
}
