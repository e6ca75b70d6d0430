package dev.tern.imap.server;

import dev.tern.imap.protocol.ResponseWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * What an {@link ImapSession} asks of its connection. Every method runs on the connection's event
 * loop, and so do the callbacks.
 */
interface ImapIo {

    /** A writer appending to the output; it goes out when the current input step ends. */
    ResponseWriter writer();

    /**
     * Stops reading input until {@code stage} completes, then runs {@code then} on the event loop
     * (unless the connection is gone) and reads on.
     */
    <T> void await(CompletionStage<T> stage, BiConsumer<T, Throwable> then);

    /**
     * Sends a long response piece by piece: {@code producer} runs on the storage executor, each
     * call writing about one chunk, and is called again only when the client has taken the
     * previous one. {@code then} runs on the event loop with the failure, if any.
     */
    void stream(ResponseProducer producer, Consumer<Throwable> then);

    /** Sends what is written so far, then puts TLS under the connection; unread input is dropped. */
    void startTls();

    /**
     * Sends what is written so far as it is, then compresses both directions with DEFLATE
     * (RFC 4978); unread input is dropped, as a client sends nothing after COMPRESS before the OK.
     */
    void startCompression();

    /** Sends what is written so far and closes. */
    void closeAfterFlush();

    /** Sends what is written so far: for responses written outside a command (IDLE updates). */
    void flush();

    /** Runs on the event loop later; for events from other threads. */
    void execute(Runnable task);

    /** One chunk after another of a long response. */
    interface ResponseProducer {
        /** Writes the next chunk; true when the response is complete. Runs off the event loop. */
        boolean produce(OutputStream out) throws IOException;

        /** Releases what the producer holds; called once, whether it finished or not. */
        void close();
    }
}
