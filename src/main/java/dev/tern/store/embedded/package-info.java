/**
 * The default, zero-setup backend: SQLite in WAL mode ({@code data_dir/tern.db}) with a single
 * writer thread that group-commits every waiting write, and message files under
 * {@code data_dir/blobs}, fsync'd (file and directory) before their rows commit.
 */
package dev.tern.store.embedded;
