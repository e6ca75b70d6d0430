package dev.tern.store.sql;

import dev.tern.store.StoreException;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Copies every row of one Tern database into another that has the same schema (both migrated to
 * the same version): how an installation moves from the embedded store to PostgreSQL. Tables are
 * copied parents first, so that foreign keys hold at every insert, in one transaction on the
 * target: an interrupted copy leaves the target as it was. Identity sequences on the target are
 * moved past the copied ids.
 */
public final class TableCopy {

    /** Flyway's own table: each database keeps its history. */
    private static final String HISTORY = "flyway_schema_history";
    private static final int BATCH = 500;

    private TableCopy() {
    }

    /** Rows copied per table, in copy order. */
    public record Result(Map<String, Long> rows) {
        public long total() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * @throws StoreException when the target already holds rows (it must be empty) or the schemas differ
     */
    public static Result copy(Connection source, Connection target) {
        try {
            List<String> tables = parentsFirst(source);
            Set<String> targetTables = tables(target);
            for (String t : tables) {
                if (!targetTables.contains(t)) {
                    throw new StoreException("the target database has no table " + t
                            + ": are both at the same version of Tern?");
                }
                if (count(target, t) > 0) {
                    throw new StoreException("the target database is not empty (table " + t
                            + " has rows); copy into a new, empty database");
                }
            }
            boolean autoCommit = target.getAutoCommit();
            target.setAutoCommit(false);
            Map<String, Long> copied = new LinkedHashMap<>();
            try {
                for (String t : tables) {
                    copied.put(t, copyTable(source, target, t));
                }
                if (isPostgres(target)) {
                    for (String t : tables) {
                        moveIdentityPastCopiedIds(target, t);
                    }
                }
                target.commit();
            } catch (SQLException | RuntimeException e) {
                target.rollback();
                throw e;
            } finally {
                target.setAutoCommit(autoCommit);
            }
            return new Result(copied);
        } catch (SQLException e) {
            throw new StoreException("copy failed: " + e.getMessage(), e);
        }
    }

    private static long copyTable(Connection source, Connection target, String table) throws SQLException {
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData md = rs.getMetaData();
            int n = md.getColumnCount();
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                columns.add(md.getColumnName(i).toLowerCase(Locale.ROOT));
            }
            String sql = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                    + "?, ".repeat(n - 1) + "?)";
            long rows = 0;
            try (PreparedStatement insert = target.prepareStatement(sql)) {
                while (rs.next()) {
                    for (int i = 1; i <= n; i++) {
                        Object v = rs.getObject(i);
                        if (v instanceof byte[] bytes) {
                            insert.setBytes(i, bytes);
                        } else {
                            insert.setObject(i, v);
                        }
                    }
                    insert.addBatch();
                    if (++rows % BATCH == 0) {
                        insert.executeBatch();
                    }
                }
                if (rows % BATCH != 0) {
                    insert.executeBatch();
                }
            }
            return rows;
        }
    }

    private static void moveIdentityPastCopiedIds(Connection target, String table) throws SQLException {
        String sequence;
        try (PreparedStatement ps = target.prepareStatement("SELECT pg_get_serial_sequence(?, column_name) "
                + "FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? "
                + "AND (is_identity = 'YES' OR column_default LIKE 'nextval%')")) {
            ps.setString(1, table);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getString(1) == null) {
                    return;
                }
                sequence = rs.getString(1);
            }
        }
        String column;
        try (PreparedStatement ps = target.prepareStatement("SELECT column_name FROM information_schema.columns "
                + "WHERE table_schema = current_schema() AND table_name = ? AND (is_identity = 'YES' OR column_default LIKE 'nextval%')")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                column = rs.getString(1);
            }
        }
        try (Statement s = target.createStatement()) {
            s.execute("SELECT setval('" + sequence.replace("'", "''") + "', COALESCE((SELECT MAX(" + column + ") FROM "
                    + table + "), 0) + 1, false)");
        }
    }

    /** The tables of Tern's schema, each after the tables its foreign keys refer to. */
    static List<String> parentsFirst(Connection c) throws SQLException {
        Set<String> all = tables(c);
        Map<String, Set<String>> parents = new LinkedHashMap<>();
        DatabaseMetaData md = c.getMetaData();
        for (String t : all) {
            Set<String> p = new LinkedHashSet<>();
            try (ResultSet rs = md.getImportedKeys(null, null, t)) {
                while (rs.next()) {
                    String parent = rs.getString("PKTABLE_NAME").toLowerCase(Locale.ROOT);
                    if (!parent.equals(t)) {
                        p.add(parent);
                    }
                }
            }
            parents.put(t, p);
        }
        List<String> ordered = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        while (ordered.size() < all.size()) {
            boolean progress = false;
            for (String t : all) {
                if (!done.contains(t) && done.containsAll(parents.get(t))) {
                    ordered.add(t);
                    done.add(t);
                    progress = true;
                }
            }
            if (!progress) {
                throw new StoreException("foreign keys form a cycle among " + all);
            }
        }
        return ordered;
    }

    private static Set<String> tables(Connection c) throws SQLException {
        Set<String> out = new java.util.TreeSet<>();
        String schema = isPostgres(c) ? currentSchema(c) : null;
        try (ResultSet rs = c.getMetaData().getTables(null, schema, "%", new String[]{"TABLE"})) {
            while (rs.next()) {
                String name = rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                if (!name.equals(HISTORY) && !name.startsWith("sqlite_")) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    private static String currentSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_schema()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean isPostgres(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
    }
}
