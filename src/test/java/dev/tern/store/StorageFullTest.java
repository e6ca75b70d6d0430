package dev.tern.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Failures from a full disk, as the drivers and the JDK really raise them, told from other failures. */
public class StorageFullTest {

    @TempDir
    Path dir;

    /** SQLITE_FULL from a real database that may not grow (what a full disk gives SQLite). */
    public static SQLException sqliteFull(Path dir) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("small.db"));
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (v BLOB)");
            s.execute("PRAGMA max_page_count = " + pageCount(s));
            for (int i = 0; i < 100; i++) {
                s.execute("INSERT INTO t VALUES (zeroblob(10000))");
            }
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("the database did not fill");
    }

    private static long pageCount(Statement s) throws SQLException {
        try (var rs = s.executeQuery("PRAGMA page_count")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** ENOSPC from a real write: /dev/full refuses every write with it. */
    public static IOException noSpace() {
        try {
            Files.write(Path.of("/dev/full"), new byte[4096]);
        } catch (IOException e) {
            return e;
        }
        throw new AssertionError("/dev/full took a write");
    }

    @Test
    void fullDatabasesAndFileSystemsAreRecognisedThroughTheirWrappers() throws Exception {
        SQLException sqlite = sqliteFull(dir);
        assertThat(StorageFull.isCause(sqlite)).isTrue();
        assertThat(StorageFull.isCause(new CompletionException(new StoreException("write failed", sqlite)))).isTrue();
        assertThat(StorageFull.isCause(new java.io.UncheckedIOException(noSpace()))).isTrue();
        assertThat(StorageFull.isCause(new StoreException("write failed",
                new SQLException("ERROR: could not extend file \"base/16384/2619\"", "53100")))).isTrue();
    }

    @Test
    void otherFailuresAreNot() throws Exception {
        assertThat(StorageFull.isCause(null)).isFalse();
        assertThat(StorageFull.isCause(new IOException("Connection reset by peer"))).isFalse();
        assertThat(StorageFull.isCause(new StoreException("write failed",
                new SQLException("[SQLITE_BUSY] The database file is locked (database is locked)")))).isFalse();
        assertThat(StorageFull.isCause(new SQLException("deadlock detected", "40P01"))).isFalse();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ok.db"));
             Statement s = c.createStatement()) {
            SQLException syntax = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> s.execute("INSERT INTO missing VALUES (1)"));
            assertThat(StorageFull.isCause(syntax)).isFalse();
        }
        assertThatThrownBy(() -> Files.readAllBytes(dir.resolve("absent")))
                .satisfies(e -> assertThat(StorageFull.isCause(e)).isFalse());
    }
}
