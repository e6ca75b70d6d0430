/**
 * JDBC implementations of the DAOs, in SQL that runs on SQLite and PostgreSQL alike (RETURNING,
 * ON CONFLICT DO NOTHING, ON CONFLICT (key) DO UPDATE). Backends supply the connection and the
 * transaction; these classes only run statements. Every value is bound as a parameter: no SQL is
 * built from input.
 */
package dev.tern.store.sql;
