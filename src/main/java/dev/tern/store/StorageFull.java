package dev.tern.store;

import java.sql.SQLException;
import java.util.Locale;

/**
 * Recognises a failure that came from a full disk, so that a client can be told "insufficient
 * system storage" (452 4.3.1) rather than a vague local error: a file write that ran out of space
 * (ENOSPC), SQLite's {@code SQLITE_FULL}, PostgreSQL's {@code disk_full}.
 */
public final class StorageFull {

    /** How SQLite's driver names the result code "database or disk is full" in its messages. */
    private static final String SQLITE_FULL = "[SQLITE_FULL]";
    /** PostgreSQL's SQLSTATE class 53 (insufficient resources): disk_full. */
    private static final String POSTGRES_DISK_FULL = "53100";
    /** strerror(ENOSPC), which the JDK puts in the message of the IOException of a failed write. */
    private static final String NO_SPACE = "no space left on device";

    private StorageFull() {
    }

    /** Whether {@code failure} or one of its causes says that the storage is full. */
    public static boolean isCause(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof SQLException e && POSTGRES_DISK_FULL.equals(e.getSQLState())) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && (message.contains(SQLITE_FULL) || message.toLowerCase(Locale.ROOT).contains(NO_SPACE))) {
                return true;
            }
        }
        return false;
    }
}
