package dev.tern.store.sql;

import dev.tern.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.Optional;

/** Small helpers over JDBC so that each DAO method reads as its SQL. */
final class Jdbc {

    /** Prepared statements per connection; they go with their connection (weak keys). */
    private static final Map<Connection, Map<String, PreparedStatement>> STATEMENTS = new WeakHashMap<>();

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /**
     * Each INSERT with " RETURNING id" appended, made once: the statement cache is keyed by the
     * SQL text, and a string built at every call has its hash computed and compared in full every
     * time, where a kept one has it cached.
     */
    private static final Map<String, String> RETURNING_ID = new java.util.concurrent.ConcurrentHashMap<>();

    private final Connection connection;
    private final SqlDialect dialect;
    /** This connection's kept statements, looked up once per transaction rather than per statement. */
    private Map<String, PreparedStatement> statements;

    Jdbc(Connection connection, SqlDialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    /**
     * " FOR UPDATE", to end a SELECT whose rows the transaction must hold until it ends, where
     * writers run side by side and this is a write transaction; "" otherwise (one writer at a time
     * holds the whole database, and a read changes nothing).
     */
    String forUpdate() {
        if (!dialect.concurrentWriters()) {
            return "";
        }
        try {
            return connection.isReadOnly() ? "" : " FOR UPDATE";
        } catch (SQLException e) {
            throw new StoreException("cannot tell a read from a write transaction", e);
        }
    }

    /**
     * " FOR UPDATE SKIP LOCKED" where writers run side by side: the rows another transaction has
     * locked are left out instead of waited for (they are being taken by someone else); "" where
     * one writer at a time runs.
     */
    String forUpdateSkipLocked() {
        String lock = forUpdate();
        return lock.isEmpty() ? "" : lock + " SKIP LOCKED";
    }

    <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
        PreparedStatement ps = null;
        try {
            ps = prepare(sql, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException("query failed: " + sql, e);
        } finally {
            release(ps);
        }
    }

    <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... args) {
        List<T> rows = query(sql, mapper, args);
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
    }

    long count(String sql, Object... args) {
        return one(sql, rs -> rs.getLong(1), args).orElse(0L);
    }

    int update(String sql, Object... args) {
        PreparedStatement ps = null;
        try {
            ps = prepare(sql, args);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("update failed: " + sql, e);
        } finally {
            release(ps);
        }
    }

    /** Runs an INSERT (constant SQL: the text is kept, see {@link #RETURNING_ID}) and returns the generated integer key. */
    long insert(String sql, Object... args) {
        PreparedStatement ps = null;
        try {
            ps = prepare(RETURNING_ID.computeIfAbsent(sql, s -> s + " RETURNING id"), args);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new StoreException("insert returned no key: " + sql);
                }
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("insert failed: " + sql, e);
        } finally {
            release(ps);
        }
    }

    /**
     * A prepared statement for this SQL with the arguments bound. Where the dialect keeps
     * statements, the connection's statement is made once and kept: parsing SQL costs more than
     * running most of these statements. A connection is used by one thread at a time, and every
     * result set is closed after use, which resets its statement for the next run.
     */
    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement ps;
        if (dialect.keepsStatements()) {
            Map<String, PreparedStatement> cache = statements;
            if (cache == null) {
                synchronized (STATEMENTS) {
                    cache = STATEMENTS.computeIfAbsent(connection, c -> new HashMap<>());
                }
                statements = cache;
            }
            ps = cache.get(sql);
            if (ps == null || ps.isClosed()) {
                ps = connection.prepareStatement(sql);
                cache.put(sql, ps);
            }
            ps.clearParameters();
        } else {
            ps = connection.prepareStatement(sql);
        }
        try {
            bind(ps, args);
        } catch (SQLException | RuntimeException e) {
            release(ps);
            throw e;
        }
        return ps;
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof Instant t) {
                ps.setLong(i + 1, t.toEpochMilli());
            } else if (a instanceof Boolean b) {
                ps.setInt(i + 1, b ? 1 : 0);
            } else {
                ps.setObject(i + 1, a);
            }
        }
    }

    /** Closes a statement the dialect does not keep. */
    private void release(PreparedStatement ps) {
        if (ps == null || dialect.keepsStatements()) {
            return;
        }
        try {
            ps.close();
        } catch (SQLException e) {
            // the statement goes with its connection anyway
        }
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        return Instant.ofEpochMilli(rs.getLong(column));
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        return Instant.ofEpochMilli(rs.getLong(column));
    }

    /** A number in a column (by position) that may be NULL; null then. */
    static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /** A number in a column that may be NULL; null then. */
    static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /** The time in a column that may be NULL; null then. */
    static Instant nullableInstant(ResultSet rs, String column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }
}
