package dev.tern.store.postgres;

import java.sql.SQLException;
import java.util.Set;

/**
 * Which database failures are worth another try of the whole transaction: the ones that say
 * nothing about the work itself, only about the moment it ran.
 */
final class TransientFailures {

    /**
     * serialization_failure, deadlock_detected: another transaction was in the way.
     * admin_shutdown, crash_shutdown, cannot_connect_now: the server is going down, restarting or
     * starting (pg_terminate_backend is admin_shutdown too). too_many_connections: other clients
     * hold every slot for now.
     */
    private static final Set<String> STATES = Set.of("40001", "40P01", "57P01", "57P02", "57P03", "53300");

    private TransientFailures() {
    }

    /** True when a failure (or one of its causes) is transient. */
    static boolean isTransient(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (t instanceof SQLException e && e.getSQLState() != null
                    && (STATES.contains(e.getSQLState()) || e.getSQLState().startsWith("08"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the failure is a unique violation: often a race between two transactions that
     * each looked for a row, found none and inserted it (a mailbox made on first use by two
     * deliveries at once), which SQLite's single writer never lets happen. Run once more, the
     * work finds the other's row.
     */
    static boolean isUniqueViolation(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (t instanceof SQLException e && "23505".equals(e.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the failure says the server ended the session or the connection broke: after a
     * restart or failover every other pooled connection is as dead as this one.
     */
    static boolean isConnectionLoss(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (t instanceof SQLException e && e.getSQLState() != null
                    && (e.getSQLState().startsWith("08") || e.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when a failure of COMMIT certainly undid the transaction, so that running it again
     * cannot apply it twice. A lost connection leaves the outcome unknown: the commit may have
     * been done just before.
     */
    static boolean certainlyRolledBack(SQLException commitFailure) {
        String state = commitFailure.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }
}
