/**
 * The storage SPI: {@link dev.tern.store.MetadataStore} (transactions over the directory, queue,
 * mailbox, blob-reference, DKIM key and greylisting DAOs) and {@link dev.tern.store.BlobStore} (immutable message contents).
 *
 * <p>Invariants: a write future completes only after its transaction is on stable storage; a blob
 * is durable before any committed row refers to it; contents are never modified after commit.
 * Implementations import nothing above this package.
 */
package dev.tern.store;
