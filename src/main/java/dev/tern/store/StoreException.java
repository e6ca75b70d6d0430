package dev.tern.store;

/** A failure of the storage layer (I/O, database). Callers turn it into a temporary error. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
