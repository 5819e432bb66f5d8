package events.adapters.jdbc;

import events.domain.ResourcePolicy;
import events.domain.UnableToAccessPoliciesException;
import events.ports.PolicyStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.argument.Argument;

/**
 * {@link PolicyStore} on H2 or PostgreSQL through Jdbi.
 *
 * <p>Every write is one transaction that first adds one to the counter in {@code policy_revision}, which
 * locks its row until commit: writes from this and any other node run one after the other, and each gets
 * the next revision. A delete that finds nothing rolls back, so the revision stays. {@code updatedAt} comes
 * from the clock, cut to microseconds (what both databases keep).
 */
final class JdbcPolicyStore implements PolicyStore {
    private static final String COLUMNS = "resource, document, revision, updated_at";

    private final Jdbi jdbi;
    private final Clock clock;

    JdbcPolicyStore(DataSource dataSource, Clock clock) {
        this.jdbi = Jdbis.create(dataSource);
        this.clock = clock;
    }

    @Override
    public Optional<ResourcePolicy> get(String resource) {
        Objects.requireNonNull(resource, "resource");
        try {
            return jdbi.withHandle(handle -> handle
                    .createQuery("SELECT " + COLUMNS + " FROM policies WHERE resource = :resource")
                    .bind("resource", resource)
                    .map((rs, ctx) -> toPolicy(rs))
                    .findOne());
        } catch (JdbiException e) {
            throw new UnableToAccessPoliciesException("unable to read the policy of " + resource,
                    DatabaseFailure.of(e));
        }
    }

    @Override
    public ResourcePolicy put(String resource, String document) {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(document, "document");
        try {
            return jdbi.inTransaction(handle -> {
                long revision = nextRevision(handle);
                Instant updatedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
                Argument at = (position, statement, ctx) ->
                        statement.setObject(position, OffsetDateTime.ofInstant(updatedAt, ZoneOffset.UTC));
                // No other writer runs until commit (nextRevision locked the counter), so update-else-insert
                // cannot race with another insert of the same resource.
                int updated = handle.createUpdate("UPDATE policies SET document = :document, revision = :revision,"
                                + " updated_at = :updatedAt WHERE resource = :resource")
                        .bind("resource", resource)
                        .bind("document", document)
                        .bind("revision", revision)
                        .bind("updatedAt", at)
                        .execute();
                if (updated == 0) {
                    handle.createUpdate("INSERT INTO policies (" + COLUMNS + ")"
                                    + " VALUES (:resource, :document, :revision, :updatedAt)")
                            .bind("resource", resource)
                            .bind("document", document)
                            .bind("revision", revision)
                            .bind("updatedAt", at)
                            .execute();
                }
                return new ResourcePolicy(resource, document, revision, updatedAt);
            });
        } catch (JdbiException e) {
            throw new UnableToAccessPoliciesException("unable to store the policy of " + resource,
                    DatabaseFailure.of(e));
        }
    }

    @Override
    public boolean delete(String resource) {
        Objects.requireNonNull(resource, "resource");
        try {
            return jdbi.inTransaction(handle -> {
                nextRevision(handle);
                int deleted = handle.createUpdate("DELETE FROM policies WHERE resource = :resource")
                        .bind("resource", resource)
                        .execute();
                if (deleted == 0) {
                    handle.rollback();
                    return false;
                }
                return true;
            });
        } catch (JdbiException e) {
            throw new UnableToAccessPoliciesException("unable to delete the policy of " + resource,
                    DatabaseFailure.of(e));
        }
    }

    @Override
    public List<String> resources() {
        try {
            List<String> resources = new ArrayList<>(jdbi.withHandle(handle ->
                    handle.createQuery("SELECT resource FROM policies").mapTo(String.class).list()));
            // Sorted here: a database's ORDER BY follows its collation, which may not be String order.
            Collections.sort(resources);
            return List.copyOf(resources);
        } catch (JdbiException e) {
            throw new UnableToAccessPoliciesException("unable to list the resources that have a policy",
                    DatabaseFailure.of(e));
        }
    }

    @Override
    public long revision() {
        try {
            return jdbi.withHandle(handle -> handle.createQuery("SELECT revision FROM policy_revision WHERE id = 1")
                    .mapTo(Long.class)
                    .one());
        } catch (JdbiException e) {
            throw new UnableToAccessPoliciesException("unable to read the policy revision", DatabaseFailure.of(e));
        }
    }

    /** Raises the revision and returns it; locks the counter row until the transaction ends. */
    private static long nextRevision(Handle handle) {
        return handle.createUpdate("UPDATE policy_revision SET revision = revision + 1 WHERE id = 1")
                .executeAndReturnGeneratedKeys("revision")
                .mapTo(Long.class)
                .one();
    }

    private static ResourcePolicy toPolicy(ResultSet rs) throws SQLException {
        return new ResourcePolicy(rs.getString("resource"), rs.getString("document"), rs.getLong("revision"),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }
}
