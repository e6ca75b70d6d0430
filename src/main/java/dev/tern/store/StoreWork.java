package dev.tern.store;

/** A unit of work run inside one {@link StoreTx}. */
@FunctionalInterface
public interface StoreWork<T> {
    T run(StoreTx tx) throws Exception;
}
