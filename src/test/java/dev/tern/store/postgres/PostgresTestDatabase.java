package dev.tern.store.postgres;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh PostgreSQL database for one test class, on the server that {@code TERN_TEST_POSTGRES_URL}
 * names (default {@code jdbc:postgresql://127.0.0.1:5432/postgres}) as {@code TERN_TEST_POSTGRES_USER}
 * / {@code TERN_TEST_POSTGRES_PASSWORD} (default tern_test / tern_test, a role with CREATEDB).
 * A test class registers it as an extension in a static field
 * ({@code @RegisterExtension static final PostgresTestDatabase database = new PostgresTestDatabase();}):
 * the database is created before the class's tests and dropped after them.
 *
 * <p>Without a reachable server each test is skipped with a message that says how to start one,
 * or the class fails when {@code TERN_REQUIRE_POSTGRES=1} (as in CI, where a skipped test would
 * hide a broken store).
 */
public final class PostgresTestDatabase implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private static final String SERVER_URL = env("TERN_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String USER = env("TERN_TEST_POSTGRES_USER", "tern_test");
    private static final String PASSWORD = env("TERN_TEST_POSTGRES_PASSWORD", "tern_test");

    private String name;
    private String url;
    private String unreachable;

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String candidate = ("tern_test_" + context.getRequiredTestClass().getSimpleName() + "_"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt())).toLowerCase(Locale.ROOT);
        if (candidate.length() > 63) {
            candidate = candidate.substring(candidate.length() - 63);
        }
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + candidate + " TEMPLATE template0 ENCODING 'UTF8'");
        } catch (SQLException e) {
            unreachable = unreachableMessage(e);
            if ("1".equals(System.getenv("TERN_REQUIRE_POSTGRES"))) {
                Assertions.fail("TERN_REQUIRE_POSTGRES=1: " + unreachable, e);
            }
            return;
        }
        name = candidate;
        url = databaseUrl(candidate);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (unreachable != null) {
            Assumptions.abort(unreachable);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        if (name == null) {
            return;
        }
        // FORCE cannot end a background process of the server's own in that database (an
        // autovacuum worker, say): such a moment passes, so the drop is tried again for a while.
        for (int attempt = 1; ; attempt++) {
            try (Connection c = admin(); Statement s = c.createStatement()) {
                s.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                break;
            } catch (SQLException e) {
                if (attempt == 20) {
                    System.err.println("test database " + name + " left behind: " + e.getMessage());
                    break;
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        name = null;
    }

    private static String unreachableMessage(SQLException e) {
        return "PostgreSQL was not reachable at " + SERVER_URL + " as " + USER + " (" + e.getMessage()
                + "). Start it and create the test role, for example:\n"
                + "  pg_ctlcluster 15 main start\n"
                + "  su postgres -c \"psql -c \\\"CREATE ROLE tern_test LOGIN CREATEDB PASSWORD 'tern_test'\\\"\"\n"
                + "or point TERN_TEST_POSTGRES_URL, TERN_TEST_POSTGRES_USER and TERN_TEST_POSTGRES_PASSWORD at a server.";
    }

    /** The server URL with another database in its path; query parameters are kept. */
    private static String databaseUrl(String database) {
        String rest = SERVER_URL.substring("jdbc:postgresql://".length());
        int slash = rest.indexOf('/');
        int query = rest.indexOf('?');
        String hostPart = slash >= 0 ? rest.substring(0, slash) : (query >= 0 ? rest.substring(0, query) : rest);
        String params = query >= 0 ? rest.substring(query) : "";
        return "jdbc:postgresql://" + hostPart + "/" + database + params;
    }

    private static Connection admin() throws SQLException {
        return DriverManager.getConnection(SERVER_URL, credentials());
    }

    private static Properties credentials() {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", PASSWORD);
        p.setProperty("connectTimeout", "5");
        return p;
    }

    public String url() {
        return url;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public String name() {
        return name;
    }

    /** A plain connection to the test database (autocommit), for looking under the store. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, credentials());
    }

    /** A store on this database with a small pool. */
    public PostgresMetadataStore open() {
        return new PostgresMetadataStore(url, USER, PASSWORD, 4);
    }

    /** A store that waits at most {@code connectionTimeout} for a connection. */
    public PostgresMetadataStore open(java.time.Duration connectionTimeout) {
        return new PostgresMetadataStore(url, USER, PASSWORD, 4, connectionTimeout);
    }

    /**
     * Empties every table but Flyway's history. DELETE rather than TRUNCATE: on tables this small
     * it is many times faster. A table still referenced by rows of another is tried again after it.
     */
    public void truncateAll() throws SQLException {
        try (Connection c = connect()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(null, "public", "%", new String[]{"TABLE"})) {
                while (rs.next()) {
                    String t = rs.getString("TABLE_NAME");
                    if (!t.equals("flyway_schema_history")) {
                        tables.add(t);
                    }
                }
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL synchronous_commit = off");
                for (int round = 0; !tables.isEmpty(); round++) {
                    if (round > 50) {
                        throw new SQLException("cannot empty " + tables);
                    }
                    List<String> left = new ArrayList<>();
                    for (String t : tables) {
                        s.execute("SAVEPOINT d");
                        try {
                            s.execute("DELETE FROM \"" + t + "\"");
                            s.execute("RELEASE SAVEPOINT d");
                        } catch (SQLException e) {
                            s.execute("ROLLBACK TO SAVEPOINT d");
                            left.add(t);
                        }
                    }
                    tables = left;
                }
            }
            c.commit();
        }
    }

    /**
     * Ends every session on the test database but the caller's, as a database restart or a
     * failover would (the test role may end its own sessions); returns how many ended.
     */
    public int terminateSessions() throws SQLException {
        try (Connection c = connect();
             // Only the sessions of the test role: an autovacuum worker at work in the database is
             // the server's own, and ending it is refused ("must be a superuser").
             PreparedStatement ps = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                     + "WHERE datname = ? AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
                     + "AND usename = current_user")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * Makes the database refuse new sessions (and ends the open ones), as an outage would, or
     * lets it accept them again. The test role owns the database, so it may.
     */
    public void setAvailable(boolean available) throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS " + available);
        }
        if (!available) {
            try (Connection c = admin();
                 PreparedStatement ps = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                         + "WHERE datname = ? AND backend_type = 'client backend' AND usename = current_user")) {
                ps.setString(1, name);
                ps.executeQuery().close();
            }
        }
    }
}
