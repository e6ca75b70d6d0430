package dev.tern.mailbox;

import dev.tern.store.MetadataStore;
import dev.tern.store.StoreWork;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store that counts the write transactions asked of it and passes everything on; it can also
 * run something of its own right after one of them, as another client would between two
 * transactions of a command.
 */
final class WriteCountingStore implements MetadataStore {

    private final MetadataStore store;
    private final AtomicInteger writes = new AtomicInteger();
    private volatile int interruptAfter = -1;
    private volatile Runnable interruption;

    WriteCountingStore(MetadataStore store) {
        this.store = store;
    }

    int writes() {
        return writes.get();
    }

    /**
     * Runs {@code action} on the caller's thread once the {@code n}th write (counting from one)
     * has committed, before that write's caller sees its result.
     */
    void afterWrite(int n, Runnable action) {
        interruption = action;
        interruptAfter = n;
    }

    @Override
    public <T> T read(StoreWork<T> work) {
        return store.read(work);
    }

    @Override
    public <T> CompletableFuture<T> write(StoreWork<T> work) {
        int n = writes.incrementAndGet();
        if (n != interruptAfter) {
            return store.write(work);
        }
        try {
            T result = store.write(work).join();
            interruption.run();
            return CompletableFuture.completedFuture(result);
        } catch (CompletionException e) {
            return CompletableFuture.failedFuture(e.getCause());
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
