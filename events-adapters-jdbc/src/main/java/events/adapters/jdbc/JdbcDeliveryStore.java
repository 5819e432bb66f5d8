package events.adapters.jdbc;

import events.domain.Delivery;
import events.domain.DeliveryAttempt;
import events.domain.DeliveryStatus;
import events.domain.EndpointPartitions;
import events.domain.UnableToAccessSubscriptionsException;
import events.ports.DeliveryStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;

/**
 * {@link DeliveryStore} on H2 or PostgreSQL through Jdbi.
 *
 * <p>The delivering processes alive are the rows of {@code delivery_nodes} whose time has not run out; claims filter
 * on the partition of the subscription's endpoint, stored with the subscription.
 *
 * <p>Moving the dispatch cursor is a compare-and-set of the partitions' rows of {@code dispatch_cursors}; queueing
 * is the insert of the new deliveries. Deliveries are inserted only for subscriptions that exist (a foreign key
 * holds them to their subscription, and deleting the subscription deletes them); an existing (subscription,
 * event) pair is skipped by the insert itself ({@code ON CONFLICT DO NOTHING}). PostgreSQL gets all rows in
 * one statement (one array per column); H2, embedded, a JDBC batch.
 *
 * <p>Claiming locks the earliest due pending rows and moves their due time to the end of the lease in one
 * transaction. On PostgreSQL the rows are locked with {@code FOR UPDATE SKIP LOCKED}: claimers on several
 * nodes take disjoint rows without waiting for each other. H2 applies {@code LIMIT} before skipping locked
 * rows (a second claimer would get nothing while the first holds the earliest rows), so there a claimer
 * waits with {@code FOR UPDATE} and then sees the rows the first one leased as no longer due.
 */
final class JdbcDeliveryStore implements DeliveryStore {
    /** Longer attempt errors are cut to this many characters. */
    static final int MAX_ERROR_LENGTH = 1000;
    /** How long the row of a process no longer alive is kept. */
    private static final java.time.Duration NODE_FORGOTTEN = java.time.Duration.ofMinutes(1);

    private static final String COLUMNS = "id, subscription_id, event_seq, event_id, attempts, status, next_attempt_at,"
            + " created";
    private static final String INSERT_COLUMNS = "subscription_id, event_seq, event_id, attempts, status,"
            + " next_attempt_at, created";
    private static final String PENDING = "'" + DeliveryStatus.PENDING.wireName() + "'";
    /**
     * PostgreSQL: every new delivery in one autocommitted statement, one array per column, its commit relaxed (see
     * {@link #relaxCommit}).
     */
    private static final String QUEUE_ARRAYS = "WITH relaxed AS (SELECT set_config('synchronous_commit', 'off',"
            + " true) AS relaxed)"
            + " INSERT INTO deliveries (" + INSERT_COLUMNS + ")"
            + " SELECT u.subscription_id, u.event_seq, u.event_id, 0, " + PENDING + ","
            + " TIMESTAMP WITH TIME ZONE 'epoch' + u.due_micros * INTERVAL '1 microsecond', :due"
            + " FROM unnest(:subscriptions, :sequences, :eventIds, :dueMicros)"
            + " AS u (subscription_id, event_seq, event_id, due_micros) CROSS JOIN relaxed"
            + " WHERE EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = u.subscription_id)"
            + " ON CONFLICT (subscription_id, event_seq) DO NOTHING"
            + " RETURNING " + COLUMNS;
    /** H2: one row; inserts nothing when the subscription does not exist or the delivery does. */
    private static final String INSERT_ONE = "INSERT INTO deliveries (" + INSERT_COLUMNS + ")"
            + " SELECT id, :sequence, :eventId, 0, " + PENDING + ", :rowDue, :due FROM subscriptions"
            + " WHERE id = :subscription ON CONFLICT DO NOTHING";
    /** Deliveries whose subscription's endpoint is in the partitions bound as {@code <partitions>}. */
    private static final String IN_PARTITIONS = " AND EXISTS (SELECT 1 FROM subscriptions s"
            + " WHERE s.id = deliveries.subscription_id AND s.endpoint_partition IN (<partitions>))";

    private final Jdbi jdbi;
    private final boolean postgres;

    JdbcDeliveryStore(DataSource dataSource) {
        this.jdbi = Jdbis.create(dataSource);
        this.postgres = isPostgres(dataSource);
    }

    // ------------------------------------------------------------------ queueing

    @Override
    public long[] dispatchCursors() {
        try {
            long[] cursors = new long[EndpointPartitions.COUNT];
            jdbi.useHandle(handle -> handle
                    .createQuery("SELECT endpoint_partition, dispatched_seq FROM dispatch_cursors")
                    .map((rs, ctx) -> Map.entry(rs.getInt(1), rs.getLong(2)))
                    .forEach(row -> cursors[row.getKey()] = row.getValue()));
            return cursors;
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to read the dispatch cursors",
                    DatabaseFailure.of(e));
        }
    }

    @Override
    public List<UUID> heartbeat(UUID node, Instant now, Instant aliveUntil) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(aliveUntil, "aliveUntil");
        try {
            return jdbi.inTransaction(handle -> {
                relaxCommit(handle);
                // Node ids are this process's own: no other writer inserts this row, so update-then-insert is safe.
                int updated = handle.createUpdate("UPDATE delivery_nodes SET alive_until = :until WHERE node_id = :node")
                        .bind("node", node)
                        .bind("until", Timestamps.of(aliveUntil))
                        .execute();
                if (updated == 0) {
                    handle.createUpdate("INSERT INTO delivery_nodes (node_id, alive_until) VALUES (:node, :until)")
                            .bind("node", node)
                            .bind("until", Timestamps.of(aliveUntil))
                            .execute();
                }
                // Whoever looks clears the rows of processes gone for a minute (a slow one may still come back).
                handle.createUpdate("DELETE FROM delivery_nodes WHERE alive_until < :gone")
                        .bind("gone", Timestamps.of(now.minus(NODE_FORGOTTEN)))
                        .execute();
                return handle.createQuery("SELECT node_id FROM delivery_nodes WHERE alive_until >= :now")
                        .bind("now", Timestamps.of(now))
                        .mapTo(UUID.class)
                        .list();
            });
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to record that this process is alive",
                    DatabaseFailure.of(e));
        }
    }

    @Override
    public void leave(UUID node) {
        Objects.requireNonNull(node, "node");
        try {
            jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM delivery_nodes WHERE node_id = :node")
                    .bind("node", node)
                    .execute());
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to record that this process stops delivering",
                    DatabaseFailure.of(e));
        }
    }

    @Override
    public int deleteBefore(Instant cutoff, int limit) {
        try {
            // Windows of the oldest rows by primary key, as for events: a pass reads at most limit index entries.
            return jdbi.withHandle(handle -> {
                int attempts = handle.createUpdate("DELETE FROM delivery_attempts WHERE id IN"
                                + " (SELECT id FROM (SELECT id, attempted_at FROM delivery_attempts ORDER BY id LIMIT :limit)"
                                + " oldest WHERE oldest.attempted_at < :cutoff)")
                        .bind("limit", limit)
                        .bind("cutoff", Timestamps.of(cutoff))
                        .execute();
                // Validation deliveries stay (one per subscription, kept for its life): left out of the window, so
                // that they never fill it.
                int deliveries = handle.createUpdate("DELETE FROM deliveries WHERE id IN"
                                + " (SELECT id FROM (SELECT id, created FROM deliveries WHERE event_seq <> "
                                + Delivery.VALIDATION + " ORDER BY id LIMIT :limit) oldest WHERE oldest.created < :cutoff)")
                        .bind("limit", limit)
                        .bind("cutoff", Timestamps.of(cutoff))
                        .execute();
                return attempts + deliveries;
            });
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to delete old deliveries", DatabaseFailure.of(e));
        }
    }

    @Override
    public boolean moveDispatchCursor(EndpointPartitions partitions, long expectedCursor, long cursor) {
        Objects.requireNonNull(partitions, "partitions");
        if (cursor < expectedCursor) {
            throw new IllegalArgumentException("the dispatch cursor never goes back");
        }
        if (partitions.isEmpty()) {
            return false;
        }
        try {
            return jdbi.inTransaction(handle -> {
                relaxCommit(handle);
                // Every partition's row, or none: then one of them had moved.
                Update move = handle.createUpdate("UPDATE dispatch_cursors SET dispatched_seq = :cursor"
                                + " WHERE dispatched_seq = :expected" + partitionsCondition(partitions))
                        .bind("cursor", cursor)
                        .bind("expected", expectedCursor);
                if (!partitions.isAll()) {
                    move.bindList("partitions", partitionList(partitions));
                }
                if (move.execute() != partitions.size()) {
                    handle.rollback();
                    return false;
                }
                return true;
            });
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to move the dispatch cursor to " + cursor,
                    DatabaseFailure.of(e));
        }
    }

    @Override
    public List<Delivery> queue(Collection<NewDelivery> deliveries, Instant dueAt) {
        Objects.requireNonNull(deliveries, "deliveries");
        Objects.requireNonNull(dueAt, "dueAt");
        Map<Key, NewDelivery> distinct = new LinkedHashMap<>();
        for (NewDelivery d : deliveries) {
            distinct.putIfAbsent(new Key(d.subscriptionId(), d.eventSequence()), d);
        }
        if (distinct.isEmpty()) {
            return List.of();
        }
        try {
            // PostgreSQL: one round trip, on the way to every push.
            return postgres ? jdbi.withHandle(handle -> insertAsArrays(handle, distinct.values(), dueAt))
                    : jdbi.inTransaction(handle -> insertAsBatch(handle, distinct.values(), dueAt));
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to queue " + distinct.size() + " deliveries",
                    DatabaseFailure.of(e));
        }
    }

    /**
     * On PostgreSQL, lets this transaction's commit return before its write-ahead log is flushed ({@code
     * synchronous_commit = off}), which takes a disk flush out of every dispatch, claim and outcome. Only for
     * bookkeeping whose loss in a crash of the database (not of this process: the database still writes what it
     * acknowledged) means a repeated push, never a lost one: a lost dispatch takes its cursor move with it, a lost
     * claim or outcome leaves the delivery due again. The log is flushed in order, so what these transactions refer
     * to (events, subscriptions, committed synchronously before) survives whenever they do.
     */
    private void relaxCommit(Handle handle) {
        if (postgres) {
            handle.execute("SET LOCAL synchronous_commit = off");
        }
    }

    private static String partitionsCondition(EndpointPartitions partitions) {
        return partitions.isAll() ? "" : " AND endpoint_partition IN (<partitions>)";
    }

    private static List<Short> partitionList(EndpointPartitions partitions) {
        return partitions.toList().stream().map(Integer::shortValue).toList();
    }

    private static List<Delivery> insertAsArrays(Handle handle, Collection<NewDelivery> deliveries, Instant dueAt) {
        int n = deliveries.size();
        UUID[] subscriptions = new UUID[n];
        Long[] sequences = new Long[n];
        String[] eventIds = new String[n];
        Long[] dueMicros = new Long[n];
        int i = 0;
        for (NewDelivery d : deliveries) {
            subscriptions[i] = d.subscriptionId();
            sequences[i] = d.eventSequence();
            eventIds[i] = d.eventId();
            dueMicros[i] = ChronoUnit.MICROS.between(Instant.EPOCH, d.dueAt(dueAt));
            i++;
        }
        List<Delivery> queued = new ArrayList<>(handle.createQuery(QUEUE_ARRAYS)
                .bindArray("subscriptions", UUID.class, (Object[]) subscriptions)
                .bind("sequences", PostgresArrays.of(sequences))
                .bind("eventIds", PostgresArrays.of(eventIds))
                .bind("dueMicros", PostgresArrays.of(dueMicros))
                .bind("due", Timestamps.of(dueAt))
                .map((rs, ctx) -> toDelivery(rs))
                .list());
        queued.sort(Comparator.comparingLong(Delivery::id));
        return queued;
    }

    private static List<Delivery> insertAsBatch(Handle handle, Collection<NewDelivery> deliveries, Instant dueAt) {
        PreparedBatch batch = handle.prepareBatch(INSERT_ONE);
        for (NewDelivery d : deliveries) {
            batch.bind("subscription", d.subscriptionId())
                    .bind("sequence", d.eventSequence())
                    .bind("eventId", d.eventId())
                    .bind("rowDue", Timestamps.of(d.dueAt(dueAt)))
                    .bind("due", Timestamps.of(dueAt))
                    .add();
        }
        int[] counts = batch.execute();
        Set<Key> inserted = new LinkedHashSet<>();
        int i = 0;
        for (NewDelivery d : deliveries) {
            if (counts[i++] > 0) {
                inserted.add(new Key(d.subscriptionId(), d.eventSequence()));
            }
        }
        // Read back the rows just inserted (for their ids): no other transaction can have inserted these pairs.
        return inserted.isEmpty() ? List.of() : pendingOf(handle, inserted);
    }

    /**
     * The pending deliveries of {@code keys}, in id order: one range of the unique index (subscription_id, event_seq)
     * per subscription, from the lowest sequence asked for to the highest.
     */
    private static List<Delivery> pendingOf(Handle handle, Collection<Key> keys) {
        Set<Key> wanted = new HashSet<>(keys);
        LongSummaryStatistics sequences = wanted.stream().mapToLong(Key::eventSequence).summaryStatistics();
        return handle.createQuery("SELECT " + COLUMNS + " FROM deliveries WHERE subscription_id IN (<subscriptions>)"
                        + " AND event_seq BETWEEN :min AND :max AND status = " + PENDING + " ORDER BY id")
                .bindList("subscriptions", wanted.stream().map(Key::subscriptionId).distinct().toList())
                .bind("min", sequences.getMin())
                .bind("max", sequences.getMax())
                .map((rs, ctx) -> toDelivery(rs))
                .stream()
                .filter(d -> wanted.contains(Key.of(d)))
                .toList();
    }

    @Override
    public Optional<Delivery> queueValidation(UUID subscriptionId, Instant dueAt) {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        Objects.requireNonNull(dueAt, "dueAt");
        try {
            return jdbi.inTransaction(handle -> {
                int inserted = handle.createUpdate(INSERT_ONE)
                        .bind("subscription", subscriptionId)
                        .bind("sequence", Delivery.VALIDATION)
                        .bind("eventId", Delivery.validationEventId(subscriptionId))
                        .bind("rowDue", Timestamps.of(dueAt))
                        .bind("due", Timestamps.of(dueAt))
                        .execute();
                if (inserted == 0) {
                    return Optional.<Delivery>empty();
                }
                return handle.createQuery("SELECT " + COLUMNS + " FROM deliveries"
                                + " WHERE subscription_id = :subscription AND event_seq = :sequence")
                        .bind("subscription", subscriptionId)
                        .bind("sequence", Delivery.VALIDATION)
                        .map((rs, ctx) -> toDelivery(rs))
                        .findOne();
            });
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException(
                    "unable to queue the validation of subscription " + subscriptionId, DatabaseFailure.of(e));
        }
    }

    // ------------------------------------------------------------------ claiming

    @Override
    public List<Delivery> claimDue(Instant now, int limit, Instant leaseUntil, EndpointPartitions partitions,
            Set<UUID> skipping) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        Objects.requireNonNull(partitions, "partitions");
        Objects.requireNonNull(skipping, "skipping");
        if (limit <= 0 || partitions.isEmpty()) {
            return List.of();
        }
        String due = " FROM deliveries WHERE status = " + PENDING + " AND next_attempt_at <= :now"
                + inPartitions(partitions) + skipping(skipping)
                // "status, next_attempt_at, id" is the order of the index deliveries_due: read in order, no sort
                + " ORDER BY status, next_attempt_at, id LIMIT :limit";
        try {
            if (postgres) {
                // One autocommitted statement (one round trip, not four with BEGIN, SET LOCAL and COMMIT): claims
                // wait on the scheduler's path to every attempt a node did not push itself. set_config(..., true)
                // relaxes this statement's own commit, as relaxCommit does for a transaction.
                return jdbi.withHandle(handle -> {
                    Query claim = handle.createQuery("WITH relaxed AS (SELECT set_config('synchronous_commit', 'off',"
                                    + " true) AS relaxed), due AS (SELECT id, next_attempt_at AS due_at" + due
                                    + " FOR UPDATE SKIP LOCKED)"
                                    + " UPDATE deliveries d SET next_attempt_at = :lease FROM due CROSS JOIN relaxed"
                                    + " WHERE d.id = due.id"
                                    + " RETURNING d.id, d.subscription_id, d.event_seq, d.event_id, d.attempts,"
                                    + " d.status, d.next_attempt_at, d.created, due.due_at");
                    bindClaim(claim, now, limit, leaseUntil, partitions, skipping);
                    List<Object[]> rows = claim.map((rs, ctx) -> new Object[] {toDelivery(rs),
                            Timestamps.read(rs, "due_at")}).list();
                    rows.sort(Comparator.comparing((Object[] r) -> (Instant) r[1])
                            .thenComparingLong(r -> ((Delivery) r[0]).id()));
                    return rows.stream().map(r -> (Delivery) r[0]).toList();
                });
            }
            return jdbi.inTransaction(handle -> {
                Query select = handle.createQuery("SELECT " + COLUMNS + due + " FOR UPDATE");
                bindClaim(select, now, limit, null, partitions, skipping);
                List<Delivery> claimed = select.map((rs, ctx) -> toDelivery(rs)).list();
                if (claimed.isEmpty()) {
                    return claimed;
                }
                handle.createUpdate("UPDATE deliveries SET next_attempt_at = :lease WHERE id IN (<ids>)")
                        .bind("lease", Timestamps.of(leaseUntil))
                        .bindList("ids", claimed.stream().map(Delivery::id).toList())
                        .execute();
                Instant lease = leaseUntil.truncatedTo(ChronoUnit.MICROS);
                return claimed.stream().map(d -> d.with(d.attempts(), d.status(), lease)).toList();
            });
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to claim due deliveries", DatabaseFailure.of(e));
        }
    }

    private static void bindClaim(Query query, Instant now, int limit, Instant leaseUntil,
            EndpointPartitions partitions, Set<UUID> skipping) {
        query.bind("now", Timestamps.of(now)).bind("limit", limit);
        if (leaseUntil != null) {
            query.bind("lease", Timestamps.of(leaseUntil));
        }
        bindPartitions(query, partitions);
        bindSkipping(query, skipping);
    }

    /**
     * The condition for skipping the deliveries of {@code skipping} (none when empty), bound by {@link #bindSkipping}
     * as one array, however many subscriptions it holds.
     */
    private static String skipping(Set<UUID> skipping) {
        return skipping.isEmpty() ? "" : " AND subscription_id <> ALL(:skipping)";
    }

    private static void bindSkipping(Query query, Set<UUID> skipping) {
        if (!skipping.isEmpty()) {
            query.bindArray("skipping", UUID.class, skipping.toArray());
        }
    }

    /** The condition for {@code partitions} (none for all of them), bound by {@link #bindPartitions}. */
    private static String inPartitions(EndpointPartitions partitions) {
        return partitions.isAll() ? "" : IN_PARTITIONS;
    }

    private static void bindPartitions(Query query, EndpointPartitions partitions) {
        if (!partitions.isAll()) {
            query.bindList("partitions", partitionList(partitions));
        }
    }

    @Override
    public Optional<Instant> nextDue(EndpointPartitions partitions, Set<UUID> skipping) {
        Objects.requireNonNull(partitions, "partitions");
        Objects.requireNonNull(skipping, "skipping");
        if (partitions.isEmpty()) {
            return Optional.empty();
        }
        try {
            return jdbi.withHandle(handle -> {
                Query query = handle.createQuery("SELECT next_attempt_at FROM deliveries WHERE status = " + PENDING
                        + inPartitions(partitions) + skipping(skipping) + " ORDER BY status, next_attempt_at LIMIT 1");
                bindPartitions(query, partitions);
                bindSkipping(query, skipping);
                return query.map((rs, ctx) -> Timestamps.read(rs, "next_attempt_at")).findOne();
            });
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to read when the next delivery is due",
                    DatabaseFailure.of(e));
        }
    }

    // ------------------------------------------------------------------ outcomes

    @Override
    public void recordAttempts(List<AttemptRecord> records) {
        Objects.requireNonNull(records, "records");
        if (records.isEmpty()) {
            return;
        }
        try {
            jdbi.useTransaction(handle -> {
                relaxCommit(handle);
                PreparedBatch updates = handle.prepareBatch("UPDATE deliveries SET attempts = :attempts,"
                        + " status = :status, next_attempt_at = COALESCE(CAST(:next AS TIMESTAMP WITH TIME ZONE),"
                        + " next_attempt_at) WHERE id = :id AND status = " + PENDING);
                for (AttemptRecord r : records) {
                    updates.bind("id", r.attempt().deliveryId())
                            .bind("attempts", r.attempt().attempt())
                            .bind("status", r.status().wireName())
                            .bind("next", Timestamps.of(r.nextAttemptAt()))
                            .add();
                }
                int[] updated = updates.execute();
                PreparedBatch inserts = handle.prepareBatch("INSERT INTO delivery_attempts (subscription_id,"
                        + " delivery_id, event_id, attempt, attempted_at, status_code, error, duration_ms) VALUES"
                        + " (:subscription, :delivery, :eventId, :attempt, :at, :statusCode, :error, :duration)");
                int n = 0;
                for (int i = 0; i < records.size(); i++) {
                    if (updated[i] == 0) {
                        continue; // no longer pending (cancelled, finished, or its subscription deleted): dropped
                    }
                    DeliveryAttempt attempt = records.get(i).attempt();
                    String error = attempt.error();
                    if (error != null && error.length() > MAX_ERROR_LENGTH) {
                        error = error.substring(0, MAX_ERROR_LENGTH);
                    }
                    inserts.bind("subscription", attempt.subscriptionId())
                            .bind("delivery", attempt.deliveryId())
                            .bind("eventId", attempt.eventId())
                            .bind("attempt", attempt.attempt())
                            .bind("at", Timestamps.of(attempt.at()))
                            .bindBySqlType("statusCode", attempt.statusCode(), Types.INTEGER)
                            .bindBySqlType("error", error, Types.VARCHAR)
                            .bind("duration", attempt.durationMillis())
                            .add();
                    n++;
                }
                if (n > 0) {
                    inserts.execute();
                }
            });
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to record " + records.size() + " attempts",
                    DatabaseFailure.of(e));
        }
    }

    @Override
    public void unclaim(Collection<Long> deliveryIds, Instant dueAt) {
        Objects.requireNonNull(dueAt, "dueAt");
        if (deliveryIds.isEmpty()) {
            return;
        }
        try {
            jdbi.useHandle(handle -> handle.createUpdate("UPDATE deliveries SET next_attempt_at = :due"
                            + " WHERE id IN (<ids>) AND status = " + PENDING)
                    .bind("due", Timestamps.of(dueAt))
                    .bindList("ids", List.copyOf(deliveryIds))
                    .execute());
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to take back " + deliveryIds.size() + " claims",
                    DatabaseFailure.of(e));
        }
    }

    @Override
    public void finish(long deliveryId, DeliveryStatus status) {
        Objects.requireNonNull(status, "status");
        try {
            jdbi.useHandle(handle -> handle
                    .createUpdate("UPDATE deliveries SET status = :status WHERE id = :id AND status = " + PENDING)
                    .bind("id", deliveryId)
                    .bind("status", status.wireName())
                    .execute());
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException("unable to finish delivery " + deliveryId,
                    DatabaseFailure.of(e));
        }
    }

    @Override
    public int cancelPending(UUID subscriptionId) {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        try {
            return jdbi.withHandle(handle -> handle
                    .createUpdate("UPDATE deliveries SET status = :cancelled"
                            + " WHERE subscription_id = :subscription AND status = " + PENDING)
                    .bind("subscription", subscriptionId)
                    .bind("cancelled", DeliveryStatus.CANCELLED.wireName())
                    .execute());
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException(
                    "unable to cancel the deliveries of subscription " + subscriptionId, DatabaseFailure.of(e));
        }
    }

    @Override
    public List<DeliveryAttempt> attempts(UUID subscriptionId, long before, int limit) {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        if (limit <= 0) {
            return List.of();
        }
        try {
            return jdbi.withHandle(handle -> handle
                    .createQuery("SELECT id, subscription_id, delivery_id, event_id, attempt, attempted_at, status_code,"
                            + " error, duration_ms FROM delivery_attempts WHERE subscription_id = :subscription"
                            + " AND id < :before ORDER BY subscription_id DESC, id DESC LIMIT :limit")
                    .bind("subscription", subscriptionId)
                    .bind("before", before)
                    .bind("limit", limit)
                    .map((rs, ctx) -> toAttempt(rs))
                    .list());
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException(
                    "unable to read the attempts of subscription " + subscriptionId, DatabaseFailure.of(e));
        }
    }

    @Override
    public List<Delivery> deadLetters(UUID subscriptionId, long after, int limit) {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        if (limit <= 0) {
            return List.of();
        }
        try {
            return jdbi.withHandle(handle -> handle
                    .createQuery("SELECT " + COLUMNS + " FROM deliveries WHERE subscription_id = :subscription"
                            + " AND status = :dead AND id > :after ORDER BY id LIMIT :limit")
                    .bind("subscription", subscriptionId)
                    .bind("dead", DeliveryStatus.DEAD.wireName())
                    .bind("after", after)
                    .bind("limit", limit)
                    .map((rs, ctx) -> toDelivery(rs))
                    .list());
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException(
                    "unable to read the dead letters of subscription " + subscriptionId, DatabaseFailure.of(e));
        }
    }

    @Override
    public int redrive(UUID subscriptionId, Instant dueAt) {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        Objects.requireNonNull(dueAt, "dueAt");
        try {
            return jdbi.withHandle(handle -> handle
                    .createUpdate("UPDATE deliveries SET status = " + PENDING + ", attempts = 0, next_attempt_at = :due"
                            + " WHERE subscription_id = :subscription AND status = :dead")
                    .bind("subscription", subscriptionId)
                    .bind("dead", DeliveryStatus.DEAD.wireName())
                    .bind("due", Timestamps.of(dueAt))
                    .execute());
        } catch (JdbiException e) {
            throw new UnableToAccessSubscriptionsException(
                    "unable to redrive the dead letters of subscription " + subscriptionId, DatabaseFailure.of(e));
        }
    }

    // ------------------------------------------------------------------ mapping

    private static Delivery toDelivery(ResultSet rs) throws SQLException {
        return new Delivery(
                rs.getLong("id"),
                rs.getObject("subscription_id", UUID.class),
                rs.getLong("event_seq"),
                rs.getString("event_id"),
                rs.getInt("attempts"),
                DeliveryStatus.fromWireName(rs.getString("status")),
                Timestamps.read(rs, "next_attempt_at"),
                Timestamps.read(rs, "created"));
    }

    private static DeliveryAttempt toAttempt(ResultSet rs) throws SQLException {
        int statusCode = rs.getInt("status_code");
        Integer code = rs.wasNull() ? null : statusCode;
        return new DeliveryAttempt(
                rs.getLong("id"),
                rs.getObject("subscription_id", UUID.class),
                rs.getLong("delivery_id"),
                rs.getString("event_id"),
                rs.getInt("attempt"),
                Timestamps.read(rs, "attempted_at"),
                code,
                rs.getString("error"),
                rs.getLong("duration_ms"));
    }

    static boolean isPostgres(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        } catch (SQLException e) {
            throw new UnableToAccessSubscriptionsException("unable to reach the database", DatabaseFailure.of(e));
        }
    }

}
