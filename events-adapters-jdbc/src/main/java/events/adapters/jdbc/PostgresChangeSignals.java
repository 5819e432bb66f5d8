package events.adapters.jdbc;

import events.ports.ChangeSignals;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ChangeSignals} over PostgreSQL's {@code LISTEN}/{@code NOTIFY}, on one channel per schema
 * ({@code events:<schema>}, so that deployments in other schemas of the same database are not woken). The payload
 * is the change and this process's node id; a process ignores its own signals.
 *
 * <p>One thread listens on a connection of its own, taken from the pool for as long as this object is open (so
 * the pool needs one connection more than the stores' work does); it listens from when the constructor returns. If that connection breaks, the thread logs it
 * once, takes a new one every second until it gets one, and then calls every listener once, since changes may
 * have been missed meanwhile. A quiet listening connection is checked every 5 s (2 s to answer), so that one
 * whose peer vanished without closing it is noticed too. Another thread sends: {@link #announce} only marks the change and wakes it, and it
 * sends what is marked with one {@code pg_notify} per change, at most once every {@link #MIN_SEND_INTERVAL_NANOS},
 * so a busy publisher makes a few hundred signals a second, not one per commit.
 */
final class PostgresChangeSignals implements ChangeSignals {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresChangeSignals.class);
    /** Announcements within this long of the last signal sent wait and go out together (2 ms). */
    static final long MIN_SEND_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** How long the listener waits for a signal before it checks whether it is still open. */
    private static final int LISTEN_WAIT_MILLIS = 500;
    private static final long RECONNECT_MILLIS = 1000;
    /** How often a quiet listening connection is checked, and how long it has to answer. */
    private static final long CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int CHECK_TIMEOUT_SECONDS = 2;
    private static final Change[] CHANGES = Change.values();

    private final DataSource dataSource;
    private final String channel;
    private final String node = UUID.randomUUID().toString();
    private final Map<Change, List<Runnable>> listeners = new ConcurrentHashMap<>();
    /** Changes announced and not yet sent, one bit per {@link Change#ordinal()}. */
    private final AtomicInteger marked = new AtomicInteger();
    private final Thread listener;
    private final Thread sender;
    private volatile boolean open = true;
    private volatile Connection listening;

    PostgresChangeSignals(DataSource dataSource) {
        this.dataSource = dataSource;
        this.channel = channelName(dataSource);
        for (Change c : CHANGES) {
            listeners.put(c, new CopyOnWriteArrayList<>());
        }
        // Listening before this returns: whatever is announced from then on is heard.
        boolean connected;
        try {
            connect();
            connected = true;
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Unable to listen for other nodes' changes; retrying every second: {}", e.toString());
            connected = false;
        }
        boolean listening = connected;
        this.listener = new Thread(() -> listenLoop(listening), "events-signals-listen");
        this.sender = new Thread(this::sendLoop, "events-signals-send");
        listener.setDaemon(true);
        sender.setDaemon(true);
        listener.start();
        sender.start();
    }

    @Override
    public void announce(Change change) {
        int bit = 1 << change.ordinal();
        if ((marked.getAndUpdate(m -> m | bit) & bit) == 0) {
            LockSupport.unpark(sender);
        }
    }

    @Override
    public void listen(Change change, Runnable listener) {
        listeners.get(change).add(listener);
    }

    /** The channel's name, for tests. */
    String channel() {
        return channel;
    }

    // ------------------------------------------------------------------ sending

    private void sendLoop() {
        long lastSent = System.nanoTime() - MIN_SEND_INTERVAL_NANOS;
        boolean failing = false;
        while (open) {
            if (marked.get() == 0) {
                LockSupport.park(this);
                continue;
            }
            long wait = lastSent + MIN_SEND_INTERVAL_NANOS - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
                continue;
            }
            int changes = marked.getAndSet(0);
            lastSent = System.nanoTime();
            try (Connection c = dataSource.getConnection();
                 PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                // A signal leaves when its transaction commits.
                if (!c.getAutoCommit()) {
                    c.setAutoCommit(true);
                }
                for (Change change : CHANGES) {
                    if ((changes & (1 << change.ordinal())) != 0) {
                        notify.setString(1, channel);
                        notify.setString(2, change.name() + ":" + node);
                        notify.executeQuery().close();
                    }
                }
                if (failing) {
                    failing = false;
                    LOG.info("Signalling other nodes works again");
                }
            } catch (SQLException | RuntimeException e) {
                // Lost: the other nodes see the change when they next poll storage.
                if (!failing) {
                    failing = true;
                    LOG.warn("Unable to signal other nodes; they see changes when they next poll: {}", e.toString());
                }
            }
        }
    }

    // ------------------------------------------------------------------ listening

    private void listenLoop(boolean connectedAtStart) {
        long lastCheck = System.nanoTime();
        boolean connected = connectedAtStart;
        boolean failing = !connectedAtStart;
        while (open) {
            try {
                if (!connected) {
                    connect();
                    if (failing) {
                        failing = false;
                        LOG.info("Listening for other nodes' changes again");
                        // Whatever changed while the connection was down was not signalled to this process.
                        for (Change change : CHANGES) {
                            fire(change);
                        }
                    }
                    connected = true;
                }
                PGNotification[] received = listening.unwrap(PGConnection.class).getNotifications(LISTEN_WAIT_MILLIS);
                if (received == null || received.length == 0) {
                    // A connection whose peer vanished without a reset (a partition, an idle drop) would wait here
                    // silently for ever: ask it now and then, with a timeout of its own.
                    long now = System.nanoTime();
                    if (now - lastCheck > CHECK_INTERVAL_NANOS) {
                        lastCheck = now;
                        if (!listening.isValid(CHECK_TIMEOUT_SECONDS)) {
                            throw new SQLException("the listening connection does not answer");
                        }
                    }
                    continue;
                }
                int changes = 0;
                for (PGNotification n : received) {
                    changes |= parse(n.getParameter());
                }
                for (Change change : CHANGES) {
                    if ((changes & (1 << change.ordinal())) != 0) {
                        fire(change);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                connected = false;
                disconnect();
                if (!open) {
                    return;
                }
                if (!failing) {
                    failing = true;
                    LOG.warn("Unable to listen for other nodes' changes; retrying every second: {}", e.toString());
                }
                sleep(RECONNECT_MILLIS);
            }
        }
        disconnect();
    }

    private void connect() throws SQLException {
        Connection c = dataSource.getConnection();
        try (Statement s = c.createStatement()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            s.execute("LISTEN " + quote(channel));
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        listening = c;
    }

    private void disconnect() {
        Connection c = listening;
        listening = null;
        if (c != null) {
            try {
                // Back into the pool: stop listening first, so that its next user gets no signals.
                try (Statement s = c.createStatement()) {
                    s.execute("UNLISTEN *");
                }
            } catch (SQLException | RuntimeException e) {
                // the connection is broken; the pool drops it
            }
            try {
                c.close();
            } catch (SQLException e) {
                // nothing more to do
            }
        }
    }

    /** The change's bit, or 0 for this process's own signal or one it does not know. */
    private int parse(String payload) {
        int colon = payload == null ? -1 : payload.indexOf(':');
        if (colon < 0 || payload.startsWith(node, colon + 1)) {
            return 0;
        }
        String name = payload.substring(0, colon);
        for (Change change : CHANGES) {
            if (change.name().equals(name)) {
                return 1 << change.ordinal();
            }
        }
        return 0;
    }

    private void fire(Change change) {
        for (Runnable r : listeners.get(change)) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("A listener for {} failed: {}", change, e.toString());
            }
        }
    }

    @Override
    public void close() {
        open = false;
        LockSupport.unpark(sender);
        join(sender);
        join(listener);
    }

    // ------------------------------------------------------------------ helpers

    private static String channelName(DataSource dataSource) {
        try (Connection c = dataSource.getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_schema()")) {
            rs.next();
            String name = "events:" + rs.getString(1);
            // An identifier holds at most 63 bytes.
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            return bytes.length <= 63 ? name : "events:" + UUID.nameUUIDFromBytes(bytes);
        } catch (SQLException e) {
            throw new events.domain.EventsException("Unable to read the current schema: " + e.getMessage(), e);
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread t) {
        try {
            t.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
