package events.adapters.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import events.domain.EventsException;
import events.ports.ChangeSignals;
import events.ports.DeliveryStore;
import events.ports.EventStore;
import events.ports.PolicyStore;
import events.ports.SubscriptionStore;
import events.support.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The stores of one database (embedded H2 or PostgreSQL). Opening migrates the schema (Flyway). Closing stops
 * the event store's writer (appends fail from then on) and closes the connection pool when this object opened
 * it; the other stores hold no resources of their own and work for as long as the pool does.
 *
 * <pre>{@code
 * try (JdbcStores stores = JdbcStores.h2(Path.of("data"), box)) {
 *     EventStore events = stores.eventStore();
 *     PolicyStore policies = stores.policyStore();
 * }
 * }</pre>
 *
 * <p>Given a {@link SecretBox}, the subscription store seals webhook signing secrets under its keys (see
 * {@link SecretsAtRest}), and opening seals again every secret not sealed under the box's first key: those
 * stored in plain text and those sealed under an older key ({@link SecretResealing}). Every process sharing the
 * database needs the same keys. Without a box, secrets are stored as given: for tools and tests only.
 */
public final class JdbcStores implements AutoCloseable {
    static final String MIGRATIONS = "classpath:events/adapters/jdbc/migration";
    /**
     * H2 settings added to an H2 URL unless it sets them itself. {@code WRITE_DELAY=0}: a commit is written
     * to the file before it returns (the default, 500 ms, loses acknowledged events on kill -9).
     * {@code MODE=PostgreSQL}: the same SQL ({@code ON CONFLICT DO NOTHING}) runs on both databases.
     * {@code RETENTION_TIME=5000}: the space of chunks no longer used is reused after 5 s instead of 45 s, so that
     * {@link H2Housekeeping} (which forces the file to disk every second) keeps the file small.
     */
    private static final String[][] H2_SETTINGS = {
        {"WRITE_DELAY", "0"}, {"RETENTION_TIME", "5000"}, {"LOCK_TIMEOUT", "10000"}, {"DB_CLOSE_ON_EXIT", "FALSE"},
        {"MODE", "PostgreSQL"},
    };

    private final JdbcEventStore eventStore;
    private final JdbcPolicyStore policyStore;
    private final JdbcSubscriptionStore subscriptionStore;
    private final JdbcDeliveryStore deliveryStore;
    private final HikariDataSource ownedPool;
    private final DataSource dataSource;
    private final boolean postgres;
    private PostgresChangeSignals changeSignals;
    /** For an embedded H2 file, what H2's background thread would do if commits were not written at once. */
    private final H2Housekeeping h2Housekeeping;

    private JdbcStores(DataSource dataSource, HikariDataSource ownedPool, SecretsAtRest secrets) {
        this.ownedPool = ownedPool;
        this.dataSource = dataSource;
        StatementEvents.keepOutOfRecordings();
        requireReadCommitted(dataSource);
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations(MIGRATIONS)
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            throw new EventsException("Unable to migrate the database schema: " + e.getMessage(), e);
        }
        try {
            SecretResealing.run(Jdbis.create(dataSource), secrets);
        } catch (RuntimeException e) {
            throw new EventsException("Unable to seal the stored webhook signing secrets again: " + e.getMessage(), e);
        }
        this.eventStore = new JdbcEventStore(dataSource);
        this.policyStore = new JdbcPolicyStore(dataSource, Clock.systemUTC());
        this.subscriptionStore = new JdbcSubscriptionStore(dataSource, secrets);
        this.deliveryStore = new JdbcDeliveryStore(dataSource);
        this.postgres = JdbcDeliveryStore.isPostgres(dataSource);
        this.h2Housekeeping = postgres ? null : H2Housekeeping.start(dataSource);
    }

    /**
     * An embedded H2 database in files under {@code directory}, which is created if missing, whose webhook signing
     * secrets are sealed with {@code box}. Who else may read the directory is the caller's to decide (the server
     * makes it its owner's only).
     */
    public static JdbcStores h2(Path directory, SecretBox box) {
        return h2(directory, SecretsAtRest.sealedWith(Objects.requireNonNull(box, "box")));
    }

    /** {@link #h2(Path, SecretBox)} keeping webhook signing secrets as given (tools and tests). */
    public static JdbcStores h2(Path directory) {
        return h2(directory, SecretsAtRest.plain());
    }

    private static JdbcStores h2(Path directory, SecretsAtRest secrets) {
        Objects.requireNonNull(directory, "directory");
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Unable to create the data directory " + directory, e);
        }
        return open("jdbc:h2:file:" + directory.toAbsolutePath().resolve("events"), "sa", "", secrets);
    }

    /**
     * A database by JDBC URL ({@code jdbc:h2:...} or {@code jdbc:postgresql:...}) with a connection pool of
     * its own, closed by {@link #close()}; webhook signing secrets are sealed with {@code box}.
     */
    public static JdbcStores open(String jdbcUrl, String user, String password, SecretBox box) {
        return open(jdbcUrl, user, password, SecretsAtRest.sealedWith(Objects.requireNonNull(box, "box")));
    }

    /** {@link #open(String, String, String, SecretBox)} keeping webhook signing secrets as given (tools and tests). */
    public static JdbcStores open(String jdbcUrl, String user, String password) {
        return open(jdbcUrl, user, password, SecretsAtRest.plain());
    }

    private static JdbcStores open(String jdbcUrl, String user, String password, SecretsAtRest secrets) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        HikariConfig config = new HikariConfig();
        config.setPoolName("events-jdbc");
        config.setJdbcUrl(isH2(jdbcUrl) ? withH2Settings(jdbcUrl) : jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        // The event writer holds one connection for good, and on PostgreSQL the change signals' listener another.
        config.setMaximumPoolSize(isH2(jdbcUrl) ? 10 : 12);
        // How long a caller waits for a connection: while the database is unreachable, that is how long before
        // a request fails (503), so short.
        config.setConnectionTimeout(2_000);
        config.setValidationTimeout(1_000);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        if (!isH2(jdbcUrl)) {
            // PostgreSQL's driver puts the server's detail into its messages: the key of a unique violation, the
            // whole failing row of a check. Not with this (what leaves the stores is redacted anyway).
            config.addDataSourceProperty("logServerErrorDetail", "false");
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new EventsException("Unable to connect to the database " + withoutCredentials(jdbcUrl) + ": "
                    + e.getMessage(), e);
        }
        try {
            return new JdbcStores(pool, pool, secrets);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * PostgreSQL through a pool the caller owns (and closes after this). Its connections must default to READ
     * COMMITTED (PostgreSQL's default; with HikariCP, {@code transactionIsolation=TRANSACTION_READ_COMMITTED} makes
     * sure): the stores' transactions rely on it and do not set it each time (asking costs a round trip). With
     * {@code logServerErrorDetail=false} the driver's messages leave out the values PostgreSQL quotes in its detail
     * (what the stores throw and log leaves them out either way). Webhook signing secrets are sealed with
     * {@code box}.
     */
    public static JdbcStores postgres(DataSource dataSource, SecretBox box) {
        return new JdbcStores(Objects.requireNonNull(dataSource, "dataSource"), null,
                SecretsAtRest.sealedWith(Objects.requireNonNull(box, "box")));
    }

    /** {@link #postgres(DataSource, SecretBox)} keeping webhook signing secrets as given (tools and tests). */
    public static JdbcStores postgres(DataSource dataSource) {
        return new JdbcStores(Objects.requireNonNull(dataSource, "dataSource"), null, SecretsAtRest.plain());
    }

    /** The database the stores use (tests). */
    DataSource dataSource() {
        return dataSource;
    }

    public EventStore eventStore() {
        return eventStore;
    }

    public PolicyStore policyStore() {
        return policyStore;
    }

    public SubscriptionStore subscriptionStore() {
        return subscriptionStore;
    }

    /** The delivery queue and log; deliveries belong to subscriptions of {@link #subscriptionStore()}. */
    public DeliveryStore deliveryStore() {
        return deliveryStore;
    }

    /**
     * Signals between the processes sharing this database: on PostgreSQL {@code LISTEN}/{@code NOTIFY} (started on
     * the first call; it holds one connection of the pool from then on), on H2 {@link ChangeSignals#NONE} (an
     * embedded H2 database has one process). Closed by {@link #close()}.
     */
    public synchronized ChangeSignals changeSignals() {
        if (!postgres) {
            return ChangeSignals.NONE;
        }
        if (changeSignals == null) {
            changeSignals = new PostgresChangeSignals(dataSource);
        }
        return changeSignals;
    }

    @Override
    public void close() {
        try {
            synchronized (this) {
                if (changeSignals != null) {
                    changeSignals.close();
                }
            }
            if (h2Housekeeping != null) {
                h2Housekeeping.close();
            }
            eventStore.close();
        } finally {
            if (ownedPool != null) {
                ownedPool.close();
            }
        }
    }

    /**
     * Every transaction of the stores is written for READ COMMITTED (compare-and-set updates, SKIP LOCKED claims)
     * and runs at the connection's default level: setting it per transaction costs PostgreSQL's driver a query.
     */
    private static void requireReadCommitted(DataSource dataSource) {
        int level;
        try (Connection c = dataSource.getConnection()) {
            level = c.getTransactionIsolation();
        } catch (SQLException e) {
            throw new EventsException("Unable to reach the database: " + e.getMessage(), e);
        }
        if (level != Connection.TRANSACTION_READ_COMMITTED) {
            throw new EventsException("The data source's connections must default to READ COMMITTED isolation"
                    + " (JDBC level " + Connection.TRANSACTION_READ_COMMITTED + "); they default to JDBC level " + level
                    + ". With HikariCP, set transactionIsolation=TRANSACTION_READ_COMMITTED.");
        }
    }

    private static boolean isH2(String jdbcUrl) {
        return jdbcUrl.regionMatches(true, 0, "jdbc:h2:", 0, "jdbc:h2:".length());
    }

    static String withH2Settings(String jdbcUrl) {
        StringBuilder url = new StringBuilder(jdbcUrl);
        String upper = jdbcUrl.toUpperCase(Locale.ROOT);
        if (upper.contains(";MODE=") && !upper.contains(";MODE=POSTGRESQL")) {
            throw new IllegalArgumentException("an H2 URL for the event store must use MODE=PostgreSQL (or leave MODE out)");
        }
        for (String[] setting : H2_SETTINGS) {
            if (!upper.contains(";" + setting[0] + "=")) {
                url.append(';').append(setting[0]).append('=').append(setting[1]);
            }
        }
        return url.toString();
    }

    /**
     * The URL without its parameters, where credentials may be: after {@code ?} for PostgreSQL
     * ({@code password=}), after the first {@code ;} for H2 ({@code ;PASSWORD=}). For logs and messages.
     */
    public static String withoutCredentials(String jdbcUrl) {
        int cut = jdbcUrl.length();
        for (char c : new char[] {'?', ';'}) {
            int at = jdbcUrl.indexOf(c);
            if (at >= 0) {
                cut = Math.min(cut, at);
            }
        }
        return jdbcUrl.substring(0, cut);
    }
}
