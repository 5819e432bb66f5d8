package events.adapters.jdbc;

import events.domain.CloudEvent;
import events.domain.EventData;
import events.domain.EventFilter;
import events.domain.StoredEvent;
import events.domain.UnableToReadEventsException;
import events.domain.UnableToStoreEventException;
import events.ports.EventScan;
import events.ports.EventStore;
import events.support.GroupCommit;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EventStore} on H2 or PostgreSQL through Jdbi.
 *
 * <p>Writes: concurrent {@link #append} calls are queued and a single writer thread commits them in groups
 * ({@link GroupCommit}), each group in one transaction on the writer's own connection (on PostgreSQL a single
 * statement, one round trip). The transaction first reserves its sequences by updating the one row of
 * {@code event_sequence}, which locks that row until commit, so transactions that append (from this or any
 * other node) run one after the other and sequence order is commit order. Events already stored are
 * skipped by the insert itself ({@code ON CONFLICT DO NOTHING} on the unique key of (source, id)), leaving
 * unused sequences behind.
 * A caller returns once the transaction holding its events has committed. If a group fails, its members
 * are retried one by one, so a failing request fails alone and the others are still all-or-nothing.
 */
final class JdbcEventStore implements EventStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcEventStore.class);
    /** A group takes whole requests until it holds this many events (a bigger request is a group alone). */
    static final int MAX_GROUP_EVENTS = 1000;
    /** ... or until its events' approximate size reaches this many characters. */
    static final long MAX_GROUP_CHARS = 4L * 1024 * 1024;
    /**
     * While the last group held appends from more than one caller, the writer waits up to this long (from taking
     * the group's first append) for more to join, until the group holds {@link #LINGER_EVENTS} events. Fewer,
     * larger commits cost the database less per event: through the server, 64 closed-loop publishers on
     * PostgreSQL took 0.29 of a core of PostgreSQL at 9 977 req/s with it, 0.49 at 9 648 req/s without (one run
     * each, one after the other); on H2, whose single writer is the bottleneck, 6 624 req/s against 5 139 (the
     * ingest benchmark, two runs one after the other). A lone publisher never waits.
     */
    static final long LINGER_NANOS = 1_000_000;
    static final int LINGER_EVENTS = 64;
    /** How long {@link #close} waits for the appends taken before it to be written. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);
    /** Rows of sequence and type read at a time when type patterns are matched. */
    private static final int TYPED_CHUNK = 1000;
    /**
     * The most character comparisons ({@link EventFilter#matchCost}) one read spends matching type patterns: past
     * them it stops where it is, as at its budget of events, and the poll's next page continues there. Realistic
     * patterns over realistic types (tens of characters) stay far below it for 10 000 events; 20 patterns of 256
     * characters over types of 1 024 reach it in a few events.
     */
    static final long MATCH_STEPS_PER_READ = 20_000_000;

    private static final String COLUMNS = "seq, spec_version, event_id, source, event_type, subject, event_time,"
            + " data_content_type, data_schema, resource, resource_instance, alternative_subject, extensions,"
            + " data_json, data_base64";
    private static final List<String> INSERT_COLUMNS = List.of("seq", "spec_version", "event_id", "source",
            "event_type", "subject", "event_time", "data_content_type", "data_schema", "resource",
            "resource_instance", "alternative_subject", "extensions", "data_json", "data_base64", "dedup_key");
    /** The position of {@code dedup_key} (the last) in {@link #INSERT_COLUMNS}. */
    private static final int KEY_COLUMN = INSERT_COLUMNS.size() - 1;
    private static final String INSERT_VALUES = "INSERT INTO events (" + String.join(", ", INSERT_COLUMNS)
            + ") VALUES (" + String.join(", ", java.util.Collections.nCopies(INSERT_COLUMNS.size(), "?"))
            + ") ON CONFLICT DO NOTHING";
    /**
     * PostgreSQL's append: reserves {@code :n} sequences and inserts the events from one array per column
     * ({@code :c1} ... the key last), numbered in array order after the sequences reserved before. The conflict
     * target names the duplicate key alone: without one, PostgreSQL probes every unique index before each row
     * (the primary key too, which a fresh sequence never conflicts with), and a clash on a sequence would be
     * skipped silently as if the event were a duplicate instead of failing the append. In-process, 64
     * appenders: 36 500 events/s instead of 26 500 at the same 0.5 of a core of PostgreSQL.
     */
    private static final String APPEND_ARRAYS = "WITH reserved AS (UPDATE event_sequence SET last_seq = last_seq + :n"
            + " WHERE id = 1 RETURNING last_seq - :n AS base) INSERT INTO events (" + String.join(", ", INSERT_COLUMNS)
            + ") SELECT reserved.base + u.ord, " + String.join(", ", INSERT_COLUMNS.subList(1, INSERT_COLUMNS.size())
                    .stream().map(c -> "u." + c).toList())
            + " FROM reserved CROSS JOIN unnest(" + String.join(", ", java.util.stream.IntStream
                    .rangeClosed(1, KEY_COLUMN).mapToObj(i -> ":c" + i).toList())
            + ") WITH ORDINALITY AS u(" + String.join(", ", INSERT_COLUMNS.subList(1, INSERT_COLUMNS.size()))
            + ", ord) ON CONFLICT (dedup_key) DO NOTHING RETURNING seq, dedup_key";

    private final Jdbi jdbi;
    private final DataSource dataSource;
    /**
     * After a group fails because no connection could be had, the groups of this long are refused at once
     * (nothing stored, 503 over HTTP) instead of each waiting for the pool's connection timeout; the first
     * group after it tries the database again.
     */
    static final long UNREACHABLE_PAUSE_NANOS = 1_000_000_000L;
    /** When a group last failed for want of a connection (writer thread only). */
    private long unreachableSince = System.nanoTime() - UNREACHABLE_PAUSE_NANOS;
    private final GroupCommit<PendingAppend> writer;
    private final java.util.concurrent.ExecutorService acknowledger =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "events-jdbc-acknowledger");
                t.setDaemon(true);
                return t;
            });
    private volatile boolean closed;
    /** PostgreSQL (else H2): picks the insert that is cheapest for the database. */
    private final boolean postgres;
    /** Used only by the writer thread (and by {@link #close} once that has stopped). */
    private Handle writerHandle;

    JdbcEventStore(DataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbi = Jdbis.create(dataSource);
        this.postgres = isPostgres(dataSource);
        // A lone publisher's append is written at once; while others publish too, the writer waits a little for
        // more to join (see LINGER_NANOS).
        this.writer = GroupCommit.<PendingAppend>builder("events-jdbc-writer", this::writeGroup)
                .limit(p -> p.events.size(), MAX_GROUP_EVENTS)
                .limit(p -> p.chars, MAX_GROUP_CHARS)
                .linger(Duration.ofNanos(LINGER_NANOS), p -> p.events.size(), LINGER_EVENTS)
                .lingerOnlyAfterSeveral()
                .rejectOnClose(left -> left.forEach(p -> p.result.completeExceptionally(closedException())))
                .start();
    }

    // ------------------------------------------------------------------ append

    @Override
    public List<StoredEvent> append(List<CloudEvent> events) {
        try {
            return appendAsync(events).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UnableToStoreEventException u) {
                throw new UnableToStoreEventException(u.getMessage(), u.getCause());
            }
            throw new UnableToStoreEventException("unable to store events", DatabaseFailure.of(e.getCause()));
        }
    }

    @Override
    public CompletableFuture<List<StoredEvent>> appendAsync(List<CloudEvent> events) {
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        if (closed) {
            return CompletableFuture.failedFuture(closedException());
        }
        PendingAppend pending = new PendingAppend(List.copyOf(events));
        if (!writer.add(pending)) {
            return CompletableFuture.failedFuture(closedException());
        }
        return pending.result;
    }

    private static UnableToStoreEventException closedException() {
        return new UnableToStoreEventException("the event store is closed", null);
    }

    private void writeGroup(List<PendingAppend> group) {
        if (System.nanoTime() - unreachableSince < UNREACHABLE_PAUSE_NANOS) {
            // Refused at once rather than each group waiting for a connection that cannot be made.
            for (PendingAppend failed : group) {
                failed.result.completeExceptionally(new UnableToStoreEventException(
                        "the database is unreachable", null));
            }
            return;
        }
        try {
            List<List<StoredEvent>> results = appendGroup(group);
            List<PendingAppend> committed = List.copyOf(group);
            // Callers continue (e.g. write their HTTP response) on this thread, not on the writer's.
            acknowledger.execute(() -> {
                for (int i = 0; i < committed.size(); i++) {
                    committed.get(i).result.complete(results.get(i));
                }
            });
        } catch (RuntimeException | Error groupFailure) {
            if (groupFailure instanceof ConnectionException) {
                unreachableSince = System.nanoTime();
            }
            // What failed without the events' content, which the database's and Jdbi's messages quote.
            DatabaseFailure failure = DatabaseFailure.of(groupFailure);
            if (group.size() == 1 || groupFailure instanceof ConnectionException) {
                // Alone, or the database is unreachable (retrying each would only wait for it again).
                LOG.warn("Unable to store {} append(s)", group.size(), failure);
                for (PendingAppend failed : group) {
                    failed.result.completeExceptionally(
                            new UnableToStoreEventException("unable to store events", failure));
                }
                return;
            }
            LOG.debug("A group of {} appends failed; retrying them one by one", group.size(), failure);
            for (PendingAppend alone : group) {
                writeGroup(List.of(alone));
            }
        }
    }

    private List<List<StoredEvent>> appendGroup(List<PendingAppend> group) {
        Handle handle = writerHandle();
        try {
            Map<UUID, CloudEvent> distinct = new LinkedHashMap<>();
            for (PendingAppend p : group) {
                for (int i = 0; i < p.events.size(); i++) {
                    distinct.putIfAbsent(p.keys.get(i), p.events.get(i));
                }
            }
            Map<UUID, StoredEvent> stored = postgres ? appendInOneStatement(handle, distinct)
                    : appendInTransaction(handle, distinct);
            List<List<StoredEvent>> results = new ArrayList<>(group.size());
            Set<UUID> reported = new HashSet<>();
            for (PendingAppend p : group) {
                List<StoredEvent> mine = new ArrayList<>();
                for (UUID key : p.keys) {
                    StoredEvent s = stored.get(key);
                    if (s != null && reported.add(key)) {
                        mine.add(s);
                    }
                }
                results.add(List.copyOf(mine));
            }
            return results;
        } catch (RuntimeException | Error e) {
            discardWriterHandle();
            throw e;
        }
    }

    /**
     * PostgreSQL: one statement, committed on its own (one round trip): it reserves the sequences (locking the
     * counter row until it commits) and inserts every event from one array per column, which costs the database
     * far less than one execution per row. {@code RETURNING} names the events inserted (not already stored).
     */
    private static Map<UUID, StoredEvent> appendInOneStatement(Handle handle, Map<UUID, CloudEvent> distinct) {
        int n = distinct.size();
        List<Object[]> rows = new ArrayList<>(n);
        for (Map.Entry<UUID, CloudEvent> e : distinct.entrySet()) {
            rows.add(row(0, e.getValue(), e.getKey())); // the statement numbers them: column 0 is not sent
        }
        Query insert = handle.createQuery(APPEND_ARRAYS).bind("n", n);
        for (int c = 1; c < KEY_COLUMN; c++) {
            String[] column = new String[n];
            for (int r = 0; r < n; r++) {
                column[r] = (String) rows.get(r)[c];
            }
            insert.bind("c" + c, PostgresArrays.of(column));
        }
        UUID[] keys = new UUID[n];
        for (int r = 0; r < n; r++) {
            keys[r] = (UUID) rows.get(r)[KEY_COLUMN];
        }
        insert.bindArray("c" + KEY_COLUMN, UUID.class, (Object[]) keys);
        Map<UUID, StoredEvent> stored = new HashMap<>();
        for (Map.Entry<UUID, Long> inserted : insert.map((rs, ctx) ->
                Map.entry(rs.getObject("dedup_key", UUID.class), rs.getLong("seq"))).list()) {
            stored.put(inserted.getKey(), new StoredEvent(inserted.getValue(), distinct.get(inserted.getKey())));
        }
        return stored;
    }

    /**
     * H2 (embedded, no network): a transaction that reserves the sequences (locking the counter row until it
     * commits), then inserts the events as a JDBC batch whose update counts name the rows inserted; a row not
     * inserted must be a duplicate (its key stored already), else the append fails.
     */
    private static Map<UUID, StoredEvent> appendInTransaction(Handle handle, Map<UUID, CloudEvent> distinct) {
        handle.begin();
        long last = handle.createUpdate("UPDATE event_sequence SET last_seq = last_seq + :n WHERE id = 1")
                .bind("n", distinct.size())
                .executeAndReturnGeneratedKeys("last_seq")
                .mapTo(Long.class).one();
        long next = last - distinct.size();
        List<Object[]> rows = new ArrayList<>(distinct.size());
        for (Map.Entry<UUID, CloudEvent> e : distinct.entrySet()) {
            rows.add(row(++next, e.getValue(), e.getKey()));
        }
        PreparedBatch batch = handle.prepareBatch(INSERT_VALUES);
        for (Object[] row : rows) {
            batch.bind(0, (Long) row[0]);
            for (int c = 1; c < KEY_COLUMN; c++) {
                batch.bind(c, (String) row[c]);
            }
            batch.bind(KEY_COLUMN, (UUID) row[KEY_COLUMN]);
            batch.add();
        }
        int[] counts = batch.execute();
        Map<UUID, StoredEvent> stored = new HashMap<>();
        List<UUID> skipped = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            UUID key = (UUID) rows.get(r)[KEY_COLUMN];
            if (counts[r] > 0) {
                stored.put(key, new StoredEvent((Long) rows.get(r)[0], distinct.get(key)));
            } else {
                skipped.add(key);
            }
        }
        // H2 takes no conflict target: a row skipped for a clash on its sequence, not on its duplicate key, would
        // pass for a duplicate and be lost. Duplicates are rare, so this look-up is too.
        if (!skipped.isEmpty() && handle.createQuery("SELECT COUNT(*) FROM events WHERE dedup_key IN (<keys>)")
                .bindList("keys", skipped).mapTo(Long.class).one() < skipped.size()) {
            throw new UnableToStoreEventException("an event's sequence is taken already", null);
        }
        handle.commit();
        return stored;
    }

    private static boolean isPostgres(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
        } catch (SQLException e) {
            throw new UnableToStoreEventException("unable to reach the database", DatabaseFailure.of(e));
        }
    }

    /** The writer thread's own connection, kept between groups and replaced after any failure. */
    private Handle writerHandle() {
        if (writerHandle == null) {
            writerHandle = jdbi.open();
        }
        return writerHandle;
    }

    private void discardWriterHandle() {
        if (writerHandle != null) {
            try {
                writerHandle.rollback();
            } catch (RuntimeException ignored) {
                // the connection may be gone; closing it below returns or evicts it
            }
            try {
                writerHandle.close();
            } catch (RuntimeException ignored) {
                // nothing more to do
            }
            writerHandle = null;
        }
    }

    /** The values of {@link #INSERT_COLUMNS} for one event: a Long, Strings (null when absent), the UUID key. */
    private static Object[] row(long sequence, CloudEvent e, UUID key) {
        Map<String, Object> others = new LinkedHashMap<>(e.extensions());
        others.remove(CloudEvent.RESOURCE);
        others.remove(CloudEvent.RESOURCE_INSTANCE);
        others.remove(CloudEvent.ALTERNATIVE_SUBJECT);
        return new Object[] {
            sequence, e.specVersion(), e.id(), e.source(), e.type(), e.subject(), e.time(),
            e.dataContentType(), e.dataSchema(), e.resource(), e.resourceInstance(), e.alternativeSubject(),
            others.isEmpty() ? null : ExtensionsJson.write(others),
            e.data() instanceof EventData.Json j ? j.json() : null,
            e.data() instanceof EventData.Base64 b ? b.base64() : null,
            key,
        };
    }

    /**
     * The first 128 bits of SHA-256 of (source, id), unambiguous for any strings. 128 bits make a collision
     * between different events practically impossible (about 10^-19 after 10^10 events) while keeping the
     * unique index small: it is probed and updated at a random place for every new event.
     */
    static UUID dedupKey(CloudEvent event) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update((event.source().length() + ":").getBytes(StandardCharsets.UTF_8));
        sha.update(event.source().getBytes(StandardCharsets.UTF_8));
        sha.update(event.id().getBytes(StandardCharsets.UTF_8));
        ByteBuffer digest = ByteBuffer.wrap(sha.digest());
        return new UUID(digest.getLong(), digest.getLong());
    }

    // ------------------------------------------------------------------ read

    @Override
    public EventScan read(EventFilter filter, long after, int size, int examineAtMost) {
        if (size < 1 || examineAtMost < 1) {
            throw new IllegalArgumentException("size and examineAtMost must be positive");
        }
        try {
            return filter.types().isEmpty()
                    ? readUntyped(filter, after, Math.min(size, examineAtMost))
                    : readTyped(filter, after, size, examineAtMost);
        } catch (RuntimeException e) {
            throw new UnableToReadEventsException("unable to read events of " + filter.resource(),
                    DatabaseFailure.of(e));
        }
    }

    /** Every event examined matches: one query of at most {@code limit} rows. */
    private EventScan readUntyped(EventFilter filter, long after, int limit) {
        List<StoredEvent> events = jdbi.withHandle(handle -> bindFilter(handle.createQuery("SELECT " + COLUMNS
                        + " FROM events WHERE " + whereOf(filter) + orderOf(filter) + " LIMIT :limit"), filter, after)
                .bind("limit", limit)
                .map((rs, ctx) -> toStoredEvent(rs))
                .list());
        long next = events.isEmpty() ? after : events.get(events.size() - 1).sequence();
        return new EventScan(events, next, events.size());
    }

    /**
     * Type patterns are matched here, not by the database ({@link events.domain.TypePattern} never backtracks;
     * a {@code LIKE} may): the sequences and types of at most {@code examineAtMost} rows are read, in chunks,
     * and then the whole rows of the matches. Matching stops early past {@link #MATCH_STEPS_PER_READ}.
     */
    private EventScan readTyped(EventFilter filter, long after, int size, int examineAtMost) {
        List<Long> matches = new ArrayList<>();
        long next = after;
        int examined = 0;
        long steps = 0;
        String sql = "SELECT seq, event_type FROM events WHERE " + whereOf(filter) + orderOf(filter) + " LIMIT :limit";
        while (examined < examineAtMost && matches.size() < size) {
            int chunk = Math.min(TYPED_CHUNK, examineAtMost - examined);
            long from = next;
            List<Object[]> rows = jdbi.withHandle(handle -> bindFilter(handle.createQuery(sql), filter, from)
                    .bind("limit", chunk)
                    .map((rs, ctx) -> new Object[] {rs.getLong(1), rs.getString(2)})
                    .list());
            boolean spent = false;
            for (Object[] row : rows) {
                examined++;
                next = (Long) row[0];
                String type = (String) row[1];
                steps += filter.matchCost(type.length());
                if (filter.matchesType(type)) {
                    matches.add(next);
                }
                if (matches.size() == size || steps >= MATCH_STEPS_PER_READ) {
                    spent = true;
                    break;
                }
            }
            if (spent || rows.size() < chunk) {
                break;
            }
        }
        return new EventScan(get(matches), next, examined);
    }

    private static String whereOf(EventFilter filter) {
        return "resource = :resource"
                + (filter.subject() != null ? " AND subject = :subject" : "")
                + (filter.alternativeSubject() != null ? " AND alternative_subject = :alternativeSubject" : "")
                + " AND seq > :after";
    }

    /** The order of the index that serves the filter, so that the database reads it in order (no sort). */
    private static String orderOf(EventFilter filter) {
        if (filter.subject() != null) {
            return " ORDER BY resource, subject, seq";
        }
        if (filter.alternativeSubject() != null) {
            return " ORDER BY resource, alternative_subject, seq";
        }
        // "resource, seq" (not just "seq") lets H2 read the index in order instead of sorting every later row.
        return " ORDER BY resource, seq";
    }

    private static Query bindFilter(Query query, EventFilter filter, long after) {
        query.bind("resource", filter.resource()).bind("after", after);
        if (filter.subject() != null) {
            query.bind("subject", filter.subject());
        }
        if (filter.alternativeSubject() != null) {
            query.bind("alternativeSubject", filter.alternativeSubject());
        }
        return query;
    }

    @Override
    public List<StoredEvent> readAll(long after, int limit) {
        try {
            return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS
                            + " FROM events WHERE seq > :after ORDER BY seq LIMIT :limit")
                    .bind("after", after)
                    .bind("limit", limit)
                    .map((rs, ctx) -> toStoredEvent(rs))
                    .list());
        } catch (RuntimeException e) {
            throw new UnableToReadEventsException("unable to read events after " + after, DatabaseFailure.of(e));
        }
    }

    @Override
    public long lastSequence() {
        try {
            // Sequences are reserved under the counter row's lock, so they grow with commit order (class javadoc).
            return jdbi.withHandle(handle -> handle.createQuery("SELECT COALESCE(MAX(seq), 0) FROM events")
                    .mapTo(Long.class)
                    .one());
        } catch (RuntimeException e) {
            throw new UnableToReadEventsException("unable to read the last sequence", DatabaseFailure.of(e));
        }
    }

    @Override
    public int deleteStoredBefore(java.time.Instant cutoff, long maxSequence, int limit) {
        try {
            // A window of the oldest rows by primary key: however many events are stored, a pass reads at most
            // limit index entries (stored_at has no index of its own: it would cost every append).
            return jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM events WHERE seq IN"
                            + " (SELECT seq FROM (SELECT seq, stored_at FROM events ORDER BY seq LIMIT :limit) oldest"
                            + " WHERE oldest.stored_at < :cutoff AND oldest.seq <= :maxSequence)")
                    .bind("limit", limit)
                    .bind("maxSequence", maxSequence)
                    .bind("cutoff", Timestamps.of(cutoff))
                    .execute());
        } catch (RuntimeException e) {
            throw new UnableToStoreEventException("unable to delete old events", DatabaseFailure.of(e));
        }
    }

    @Override
    public List<StoredEvent> get(java.util.Collection<Long> sequences) {
        if (sequences.isEmpty()) {
            return List.of();
        }
        try {
            return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS
                            + " FROM events WHERE seq IN (<seqs>) ORDER BY seq")
                    .bindList("seqs", new ArrayList<>(new java.util.TreeSet<>(sequences)))
                    .map((rs, ctx) -> toStoredEvent(rs))
                    .list());
        } catch (RuntimeException e) {
            throw new UnableToReadEventsException("unable to read events by sequence", DatabaseFailure.of(e));
        }
    }

    private static StoredEvent toStoredEvent(ResultSet rs) throws SQLException {
        Map<String, Object> extensions = new LinkedHashMap<>();
        extensions.put(CloudEvent.RESOURCE, rs.getString("resource"));
        String resourceInstance = rs.getString("resource_instance");
        if (resourceInstance != null) {
            extensions.put(CloudEvent.RESOURCE_INSTANCE, resourceInstance);
        }
        String alternativeSubject = rs.getString("alternative_subject");
        if (alternativeSubject != null) {
            extensions.put(CloudEvent.ALTERNATIVE_SUBJECT, alternativeSubject);
        }
        String others = rs.getString("extensions");
        if (others != null) {
            extensions.putAll(ExtensionsJson.read(others));
        }
        String json = rs.getString("data_json");
        String base64 = rs.getString("data_base64");
        EventData data = json != null ? new EventData.Json(json) : base64 != null ? new EventData.Base64(base64) : null;
        CloudEvent event = new CloudEvent(
                rs.getString("spec_version"),
                rs.getString("event_id"),
                rs.getString("source"),
                rs.getString("event_type"),
                rs.getString("subject"),
                rs.getString("event_time"),
                rs.getString("data_content_type"),
                rs.getString("data_schema"),
                extensions,
                data);
        return new StoredEvent(rs.getLong("seq"), event);
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public boolean isAvailable() {
        if (closed) {
            return false;
        }
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Stops taking appends and lets the writer write those taken before, for up to {@link #CLOSE_WAIT}; what it has
     * not reached by then fails.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (writer.close(CLOSE_WAIT)) {
            discardWriterHandle();
        }
        acknowledger.shutdown();
    }

    private static final class PendingAppend {
        final List<CloudEvent> events;
        /** Approximate size, to bound the memory a group takes. */
        final long chars;
        /** The duplicate key of each event, computed by the caller's thread, not the writer's. */
        final List<UUID> keys;
        final CompletableFuture<List<StoredEvent>> result = new CompletableFuture<>();

        PendingAppend(List<CloudEvent> events) {
            this.events = events;
            this.keys = events.stream().map(JdbcEventStore::dedupKey).toList();
            long n = 0;
            for (CloudEvent e : events) {
                n += 512 + e.id().length() + e.source().length()
                        + (e.data() instanceof EventData.Json j ? j.json().length() : 0)
                        + (e.data() instanceof EventData.Base64 b ? b.base64().length() : 0);
            }
            this.chars = n;
        }
    }
}
