/**
 * The metadata store on PostgreSQL, which several Tern nodes share: pooled connections, one
 * transaction per write committed by the database (no writer thread), retries of transient
 * failures, and signals between nodes over LISTEN/NOTIFY. The SQL is the shared {@code store.sql};
 * the schema is {@code db/postgres}, the PostgreSQL twin of the SQLite migrations.
 */
package dev.tern.store.postgres;
