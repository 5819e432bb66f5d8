package events.adapters.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.db.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an embedded H2 file small and its commits cheap while every commit is written at once.
 *
 * <p>{@code WRITE_DELAY=0} (see {@link JdbcStores}) makes each commit write a new chunk to the file before it
 * returns, but it also stops H2's background thread, the one that rewrites the live pages of sparse chunks so
 * that their space can be reused. Without it, every commit leaves one more chunk behind, partly dead, and
 * nothing is reclaimed: measured here, 64 concurrent appenders grew the file by 4.3 GB in one minute (20 317
 * chunks, 7 % of them live data), and since each commit also rewrites the bookkeeping of the chunks whose pages
 * it replaces, appends got slower as the chunks piled up.
 *
 * <p>This does that work instead, on its own thread: every {@link #PERIOD_MILLIS} ms it rewrites the live pages
 * of the sparsest chunks (at most {@link #REWRITE_BYTES} of them, chunks at most {@link #TARGET_FILL_PERCENT}
 * % live), and once a second it forces the file to disk. In the same minute of appends it left 4 260 chunks
 * (20 % live) and a 1.9 GB file. Rewriting more (4 MiB every 100 ms: a 1.0 GB file) cost the server's publish
 * benchmark on H2 a quarter of its throughput and tripled its p99, since the rewritten pages compete with the
 * appends' commits for the same single store. H2 reuses a dead chunk's space only after the
 * retention time ({@code RETENTION_TIME}, see {@link JdbcStores}), which it assumes long enough for the
 * operating system to have flushed the file; the sync makes that true for a retention of a few seconds (H2's
 * default, 45 s, relies on the kernel's own write-back). Acknowledged commits do not wait for the sync: a
 * commit is in the file (the operating system's cache) when it returns, which survives the process being
 * killed.
 */
final class H2Housekeeping implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(H2Housekeeping.class);
    static final long PERIOD_MILLIS = 250;
    static final long SYNC_MILLIS = 1000;
    static final int TARGET_FILL_PERCENT = 50;
    static final int REWRITE_BYTES = 1024 * 1024;

    private final MVStore store;
    private final ScheduledExecutorService thread;
    private long lastSync = System.nanoTime();

    private H2Housekeeping(MVStore store) {
        this.store = store;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "events-h2-housekeeping");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::runSafely, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Housekeeping for the H2 database behind {@code dataSource}, or null if it keeps no file (in memory). */
    static H2Housekeeping start(DataSource dataSource) {
        MVStore store = storeOf(dataSource);
        return store == null || store.getFileStore() == null ? null : new H2Housekeeping(store);
    }

    /** The MVStore of the database behind {@code dataSource} (every embedded connection shares it). */
    static MVStore storeOf(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            if (!c.isWrapperFor(JdbcConnection.class)
                    || !(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
                return null; // H2 over TCP: the server does its own housekeeping
            }
            Store store = session.getDatabase().getStore();
            return store == null ? null : store.getMvStore();
        } catch (SQLException e) {
            throw new IllegalStateException("unable to reach the H2 database", e);
        }
    }

    /** One round: rewrites the sparsest chunks' live pages; forces the file to disk if a second has passed. */
    void runOnce() {
        if (store.isClosed()) {
            return;
        }
        store.compact(TARGET_FILL_PERCENT, REWRITE_BYTES);
        long now = System.nanoTime();
        if (now - lastSync >= TimeUnit.MILLISECONDS.toNanos(SYNC_MILLIS)) {
            store.sync();
            lastSync = now;
        }
    }

    private void runSafely() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            if (!store.isClosed()) {
                LOG.warn("H2 housekeeping failed; trying again in {} ms", PERIOD_MILLIS, e);
            }
        }
    }

    /**
     * Stops the thread, waiting for a round in progress (the database may be closed next). Not by interrupting
     * it: an interrupt during file I/O closes H2's file channel.
     */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
