package dev.tern.store;

/**
 * The store cannot be reached now (no database connection within the wait): nothing was done,
 * and trying something else at once would only wait again. Callers answer with a temporary error.
 */
public class StoreUnavailableException extends StoreException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
