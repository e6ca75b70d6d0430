package dev.tern.store.sql;

/**
 * The database a {@link SqlStoreTx} talks to. The DAOs' SQL is the same on both (RETURNING, ON
 * CONFLICT, LIMIT and integer arithmetic mean the same on SQLite and PostgreSQL); what differs is
 * kept here, so that a DAO asks its dialect rather than being written twice.
 */
public enum SqlDialect {

    /**
     * SQLite: a backend keeps the same few connections for its whole life, so each connection's
     * prepared statements are kept and reused, which saves parsing the SQL again.
     */
    SQLITE(true, false),

    /**
     * PostgreSQL: connections come from a pool that hands out a new wrapper each time and replaces
     * connections as they age or break, so statements are closed after use; the driver itself keeps
     * each connection's server-side prepared statements and reuses them for the same SQL.
     */
    POSTGRESQL(false, true);

    private final boolean keepsStatements;
    private final boolean concurrentWriters;

    SqlDialect(boolean keepsStatements, boolean concurrentWriters) {
        this.keepsStatements = keepsStatements;
        this.concurrentWriters = concurrentWriters;
    }

    /**
     * True when write transactions run side by side (PostgreSQL), so that a write that decides
     * from what it reads must lock the row its decision is about ({@code SELECT … FOR UPDATE});
     * false when one writer at a time runs its transaction whole (SQLite), which needs no lock.
     */
    public boolean concurrentWriters() {
        return concurrentWriters;
    }

    /** True when prepared statements are kept per connection for reuse; false when closed after use. */
    public boolean keepsStatements() {
        return keepsStatements;
    }
}
