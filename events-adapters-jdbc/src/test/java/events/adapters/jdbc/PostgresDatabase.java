package events.adapters.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The test PostgreSQL, as a JUnit extension: {@code @RegisterExtension static final PostgresDatabase POSTGRES =
 * new PostgresDatabase();}. Before the class it checks that PostgreSQL answers; when it does not, the tests
 * are skipped, or fail when the environment variable {@value #REQUIRE} is {@code true}. Each
 * {@link #newSchema()} is a freshly created schema with a random name, dropped after the class at the latest.
 *
 * <p>Where: {@code EVENTS_TEST_POSTGRES_URL} (default {@value #DEFAULT_URL}), {@code EVENTS_TEST_POSTGRES_USER}
 * (default {@code postgres}), {@code EVENTS_TEST_POSTGRES_PASSWORD} (default empty).
 */
public final class PostgresDatabase implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    public static final String REQUIRE = "EVENTS_TEST_REQUIRE_POSTGRES";
    public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test";

    private final String url = env("EVENTS_TEST_POSTGRES_URL", DEFAULT_URL);
    private final String user = env("EVENTS_TEST_POSTGRES_USER", "postgres");
    private final String password = env("EVENTS_TEST_POSTGRES_PASSWORD", "");
    private final List<Schema> schemas = new ArrayList<>();
    private volatile SQLException unreachable;

    /** Tries PostgreSQL once per class; {@link #beforeEach} then skips (or fails) each test if it did not answer. */
    @Override
    public void beforeAll(ExtensionContext context) {
        try (Connection c = connect(url)) {
            c.isValid(3);
            unreachable = null;
        } catch (SQLException e) {
            unreachable = e;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (unreachable != null) {
            skipOrFail(unreachable);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<Schema> open;
        synchronized (schemas) {
            open = new ArrayList<>(schemas);
        }
        for (Schema s : open) {
            s.close();
        }
    }

    /** Skips the calling test (or fails it, when {@value #REQUIRE} is true) if PostgreSQL does not answer. */
    public void requireReachable() {
        try (Connection c = connect(url)) {
            c.isValid(3);
        } catch (SQLException e) {
            skipOrFail(e);
        }
    }

    private void skipOrFail(SQLException e) {
        String message = "PostgreSQL is not reachable at " + url + " as " + user + " (" + e.getMessage() + ")";
        if ("true".equalsIgnoreCase(System.getenv(REQUIRE))) {
            throw new AssertionError(message + "; " + REQUIRE + "=true, so this fails instead of skipping", e);
        }
        Assumptions.abort(message + "; skipping (set " + REQUIRE + "=true to fail instead)");
    }

    /** A new, empty schema; its {@link Schema#jdbcUrl()} makes it the current schema of every connection. */
    public Schema newSchema() {
        String name = "events_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16)
                .toLowerCase(Locale.ROOT);
        execute("CREATE SCHEMA " + name);
        Schema schema = new Schema(name);
        synchronized (schemas) {
            schemas.add(schema);
        }
        return schema;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    private void execute(String sql) {
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Unable to run " + sql + " on " + url, e);
        }
    }

    private Connection connect(String jdbcUrl) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "3");
        props.setProperty("loginTimeout", "3");
        return DriverManager.getConnection(jdbcUrl, props);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** One schema of the test database. Closing drops it with everything in it. */
    public final class Schema implements AutoCloseable {
        private final String name;
        private boolean dropped;

        private Schema(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        public String jdbcUrl() {
            return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + name;
        }

        public String user() {
            return user;
        }

        public String password() {
            return password;
        }

        @Override
        public synchronized void close() {
            if (!dropped) {
                dropped = true;
                execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
                synchronized (schemas) {
                    schemas.remove(this);
                }
            }
        }
    }
}
