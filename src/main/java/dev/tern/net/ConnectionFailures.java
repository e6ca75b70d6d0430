package dev.tern.net;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import org.slf4j.Logger;

import javax.net.ssl.SSLException;
import java.io.IOException;

/**
 * How the protocol servers put into words what went wrong on a connection: the innermost cause's
 * message, never the client's bytes, and a warning with a stack only for what is a bug of ours
 * rather than a client going away or failing TLS.
 */
public final class ConnectionFailures {

    private ConnectionFailures() {
    }

    /**
     * The innermost cause's message, or its class when it has none. For a plaintext client on a
     * TLS port, a sentence instead: Netty's message quotes the bytes the client sent.
     */
    public static String reason(Throwable t) {
        if (t instanceof NotSslRecordException || t.getCause() instanceof NotSslRecordException) {
            return "not a TLS record (a plaintext client on a TLS port?)";
        }
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    /**
     * Logs an exception that reached the end of a connection's pipeline: TLS and I/O errors at
     * debug level (clients do that), anything else as a warning with its stack.
     *
     * @param connection how the log names the connection
     */
    public static void log(Logger log, String connection, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof SSLException || c instanceof NotSslRecordException) {
            log.debug("{}: TLS error: {}", connection, reason(c));
        } else if (c instanceof IOException) {
            log.debug("{}: {}", connection, reason(c));
        } else {
            log.warn("{}: unexpected error", connection, cause);
        }
    }
}
