package dev.tern.store;

import java.util.concurrent.CompletableFuture;

/**
 * Domains, accounts, aliases, the queue and the mailbox index. Implementations decide how writes
 * are committed; the embedded one shares one fsync among all writes waiting at that moment (group
 * commit).
 */
public interface MetadataStore extends AutoCloseable {

    /** Runs read-only work on the calling thread, on a consistent snapshot. Blocks: not for event loops. */
    <T> T read(StoreWork<T> work);

    /**
     * Runs work in a write transaction. The future completes once the transaction is on stable
     * storage, or exceptionally with what the work threw ({@link StoreException} for storage
     * failures), in which case nothing of the work was kept. A backend may run the work again from
     * the start after a transient failure (a lost connection, a deadlock with another node), so the
     * work acts only through its transaction, and through {@link StoreTx#afterCommit} beyond it.
     */
    <T> CompletableFuture<T> write(StoreWork<T> work);

    /** {@link #write} and wait: for command-line tools and tests, never for event loops. */
    default <T> T writeAndWait(StoreWork<T> work) {
        return await(write(work));
    }

    /**
     * Runs {@code piece} again and again, each time in a transaction of its own, until it reports
     * fewer than {@code limit} rows done; completes with the total. For removing a backlog of any
     * size without one long transaction holding the writer, and everything waiting on it
     * (docs/adr/0026). {@code piece} must do at most {@code limit} rows.
     */
    default CompletableFuture<Integer> writeInPieces(int limit, StoreWork<Integer> piece) {
        return writeInPieces(limit, piece, 0);
    }

    private CompletableFuture<Integer> writeInPieces(int limit, StoreWork<Integer> piece, int doneBefore) {
        return write(piece).thenCompose(n -> n < limit
                ? CompletableFuture.completedFuture(doneBefore + n)
                : writeInPieces(limit, piece, doneBefore + n));
    }

    /** {@link #writeInPieces} and wait: never for event loops. */
    default int writeInPiecesAndWait(int limit, StoreWork<Integer> piece) {
        return await(writeInPieces(limit, piece));
    }

    private static <T> T await(CompletableFuture<T> write) {
        try {
            return write.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreException("write failed", e.getCause());
        }
    }

    /** The longest payload of a {@link StoreTx#signal}. */
    int MAX_SIGNAL = 4000;

    /**
     * Listens to the signals that other nodes sharing this store send on {@code channel}, never
     * to this node's own. The listener runs on the store's thread and must return quickly. The
     * default is for stores that no other node can share: nothing ever arrives.
     */
    default AutoCloseable subscribe(String channel, java.util.function.Consumer<String> listener) {
        return () -> {
        };
    }

    /**
     * A number that moves whenever the directory (domains, accounts, aliases) changes, through any
     * process or node, and that is cheap enough to read before every RCPT; null when this store
     * has none, and every lookup must then ask the store.
     */
    default java.util.function.LongSupplier directoryVersion() {
        return null;
    }

    /** True when other nodes may use this store at the same time: leases and events must go through it. */
    default boolean shared() {
        return false;
    }

    @Override
    void close();
}
