package dev.tern.mailbox;

import dev.tern.store.MetadataStore;
import dev.tern.store.StoreWork;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** A store that counts the write transactions asked of it and passes everything on. */
final class WriteCountingStore implements MetadataStore {

    private final MetadataStore store;
    private final AtomicInteger writes = new AtomicInteger();

    WriteCountingStore(MetadataStore store) {
        this.store = store;
    }

    int writes() {
        return writes.get();
    }

    @Override
    public <T> T read(StoreWork<T> work) {
        return store.read(work);
    }

    @Override
    public <T> CompletableFuture<T> write(StoreWork<T> work) {
        writes.incrementAndGet();
        return store.write(work);
    }

    @Override
    public void close() {
        store.close();
    }
}
