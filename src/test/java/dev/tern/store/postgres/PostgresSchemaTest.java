package dev.tern.store.postgres;

import dev.tern.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PostgreSQL migrations are the twins of the SQLite ones: the same versions, and once both
 * are applied the same tables, columns, nullability and indexes, with types that hold the same
 * values. A migration added for SQLite alone fails here.
 */
class PostgresSchemaTest {

    @RegisterExtension
    static final PostgresTestDatabase database = new PostgresTestDatabase();

    @TempDir
    Path dir;

    private static Set<String> migrations(String location) throws IOException, URISyntaxException {
        Path path = Path.of(PostgresSchemaTest.class.getResource("/db/" + location).toURI());
        try (Stream<Path> files = Files.list(path)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void everyMigrationHasAPostgresTwinOfTheSameVersionAndName() throws Exception {
        assertThat(migrations("postgres")).isEqualTo(migrations("migration"));
    }

    @Test
    void tablesColumnsAndIndexesMatchSqlite() throws Exception {
        database.open().close();
        EmbeddedStore.openMetadata(dir, 1).close();
        Map<String, String> sqlite = new TreeMap<>();
        Set<String> sqliteIndexes = new TreeSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tern.db"));
             Statement s = c.createStatement()) {
            try (ResultSet tables = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' "
                    + "AND name NOT LIKE 'sqlite_%' AND name <> 'flyway_schema_history'")) {
                while (tables.next()) {
                    sqlite.put(tables.getString(1), null);
                }
            }
            for (String table : Set.copyOf(sqlite.keySet())) {
                sqlite.remove(table);
                try (ResultSet cols = s.executeQuery("PRAGMA table_info(" + table + ")")) {
                    while (cols.next()) {
                        boolean key = cols.getInt("pk") > 0;
                        sqlite.put(table + "." + cols.getString("name"), kind(cols.getString("type"))
                                + (cols.getInt("notnull") != 0 || key ? " not null" : ""));
                    }
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")) {
                while (rs.next()) {
                    sqliteIndexes.add(rs.getString(1));
                }
            }
        }

        Map<String, String> postgres = new TreeMap<>();
        Set<String> postgresIndexes = new TreeSet<>();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT table_name, column_name, data_type, is_nullable "
                    + "FROM information_schema.columns WHERE table_schema = 'public' "
                    + "AND table_name <> 'flyway_schema_history'")) {
                while (rs.next()) {
                    String type = rs.getString("data_type");
                    postgres.put(rs.getString("table_name") + "." + rs.getString("column_name"),
                            type + (rs.getString("is_nullable").equals("NO") ? " not null" : ""));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' "
                    + "AND indexname NOT IN (SELECT conname FROM pg_constraint)")) {
                while (rs.next()) {
                    postgresIndexes.add(rs.getString(1));
                }
            }
        }

        assertThat(postgres.keySet()).isEqualTo(sqlite.keySet());
        sqlite.forEach((column, type) -> {
            String pg = postgres.get(column);
            if (type.startsWith("integer")) {
                // SQLite's INTEGER is 64 bits; on PostgreSQL keys and times must be BIGINT, while
                // flags, counts and states may stay INTEGER.
                assertThat(pg).as(column).isIn(type, type.replace("integer", "bigint"));
                if (column.endsWith(".id") || column.endsWith("_id") || column.endsWith("_at")) {
                    assertThat(pg).as(column).startsWith("bigint");
                }
            } else {
                assertThat(pg).as(column).isEqualTo(type);
            }
        });
        assertThat(postgresIndexes).isEqualTo(sqliteIndexes);
    }

    /** A SQLite declared type as the PostgreSQL type that holds the same values. */
    private static String kind(String declared) {
        return switch (declared.toUpperCase(Locale.ROOT)) {
            case "INTEGER" -> "integer";
            case "BIGINT" -> "bigint";
            case "TEXT" -> "text";
            case "BLOB" -> "bytea";
            default -> throw new AssertionError("a column type the PostgreSQL schema does not map: " + declared);
        };
    }

    @Test
    void textComparesByCodePointWhateverTheDatabaseCollation() throws SQLException {
        database.open().close();
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_name || '.' || column_name FROM information_schema.columns "
                     + "WHERE table_schema = 'public' AND table_name <> 'flyway_schema_history' "
                     + "AND data_type = 'text' AND collation_name IS DISTINCT FROM 'C'")) {
            Set<String> other = new TreeSet<>();
            while (rs.next()) {
                other.add(rs.getString(1));
            }
            assertThat(other).as("text columns without COLLATE \"C\"").isEmpty();
        }
    }
}
