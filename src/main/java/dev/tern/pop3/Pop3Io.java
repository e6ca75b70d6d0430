package dev.tern.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * What a {@link Pop3Session} asks of its connection. Implemented over Netty by
 * {@link Pop3SessionHandler}; every method is called on the connection's event loop.
 */
interface Pop3Io {

    /** Opens a message's content; runs off the event loop. */
    @FunctionalInterface
    interface ContentOpener {
        InputStream open() throws IOException;
    }

    /** Queues a reply; replies are flushed when the session runs out of input or waits. */
    void send(Pop3Reply reply);

    /** Sends a last reply and closes the connection; later input is ignored. */
    void sendAndClose(Pop3Reply reply);

    /** Closes the connection without a word (RFC 1939 §3: the autologout timer). */
    void close();

    /**
     * Stops reading commands until {@code stage} completes, then runs {@code then} on the event
     * loop and goes on with the commands already received (RFC 2449 PIPELINING keeps their order).
     */
    <T> void await(CompletionStage<T> stage, BiConsumer<T, Throwable> then);

    /**
     * Sends {@code ok}, then the content {@code opener} gives as a multi-line body, streamed with
     * back-pressure (RETR, TOP); commands wait meanwhile. When the content cannot be opened,
     * {@code unavailable} is sent instead.
     *
     * @param bodyLines body lines after the header (TOP), or -1 for the whole message
     */
    void sendContent(Pop3Reply ok, ContentOpener opener, long bodyLines, Pop3Reply unavailable);

    /**
     * Sends {@code ready} in plaintext, then starts the TLS handshake (RFC 2595 §4). Input already
     * received after the STLS line is thrown away unread. The session hears of the handshake's
     * success through {@link Pop3Session#tlsStarted}.
     */
    void startTls(Pop3Reply ready);

    /** Completes on the event loop after {@code delay}, from a timer: no thread waits. */
    CompletionStage<Void> delay(Duration delay);
}
