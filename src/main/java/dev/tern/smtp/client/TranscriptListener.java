package dev.tern.smtp.client;

/**
 * Sees the SMTP dialogue of one connection line by line, in order, on the connection's I/O
 * thread: implementations must be quick and must not block (print, or append to a log buffer).
 *
 * <p>Secrets never reach it: the client passes {@code AUTH MECH <redacted>} and {@code <redacted>}
 * instead of SASL responses. Message content is reported as its size only.
 */
public interface TranscriptListener {

    /** Does nothing. */
    TranscriptListener NONE = new TranscriptListener() {
    };

    /** A command line the client sent (without CRLF). */
    default void sent(String line) {
    }

    /** A reply line the server sent (without its line ending). */
    default void received(String line) {
    }

    /** Message content was sent after 354 or in BDAT chunks: {@code octets} as transmitted (dot-stuffed). */
    default void contentSent(long octets) {
    }

    /** Something that happened besides commands and replies: connected, TLS started (with its parameters), closed. */
    default void note(String text) {
    }
}
