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
    SQLITE(true),

    /**
     * PostgreSQL: connections come from a pool that hands out a new wrapper each time and replaces
     * connections as they age or break, so statements are closed after use; the driver itself keeps
     * each connection's server-side prepared statements and reuses them for the same SQL.
     */
    POSTGRESQL(false);

    private final boolean keepsStatements;

    SqlDialect(boolean keepsStatements) {
        this.keepsStatements = keepsStatements;
    }

    /** True when prepared statements are kept per connection for reuse; false when closed after use. */
    public boolean keepsStatements() {
        return keepsStatements;
    }
}
