package dev.tern.net;

/**
 * A listener could not be bound. The message is one line meant for the operator, e.g.
 * {@code cannot listen on 127.0.0.1:25 for smtp: address already in use}; callers print it as is,
 * without a stack trace.
 */
public final class ListenException extends RuntimeException {

    public ListenException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
