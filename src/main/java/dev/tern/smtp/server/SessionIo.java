package dev.tern.smtp.server;

import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * What an {@link SmtpSession} asks of its connection. Implemented over Netty by
 * {@link SmtpSessionHandler}; every method is called on the connection's event loop.
 */
interface SessionIo {

    /** Queues a reply; replies are flushed together when the session waits for input (RFC 2920). */
    void send(SmtpReply reply);

    /** Sends a last reply and closes the connection; later input is ignored. */
    void sendAndClose(SmtpReply reply);

    /** The bytes after the current command line go to {@code receiver}; {@code then} runs when it is complete. */
    void receive(ContentReceiver receiver, Runnable then);

    /**
     * Stops reading commands until {@code stage} completes, then runs {@code then} on the event loop
     * and goes on with the commands already received: commands are executed strictly in order even
     * when a check is asynchronous.
     */
    <T> void await(CompletionStage<T> stage, BiConsumer<T, Throwable> then);
}
