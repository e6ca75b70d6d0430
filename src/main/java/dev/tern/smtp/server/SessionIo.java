package dev.tern.smtp.server;

import java.time.Duration;
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

    /**
     * Sends {@code ready} in plaintext, then starts the TLS handshake (RFC 3207). Input already
     * received after the STARTTLS line is thrown away unread: it was sent in plaintext and must not
     * be taken as if it came over TLS (CVE-2011-0411). The session hears of the handshake's
     * success through {@link SmtpSession#tlsStarted}.
     */
    void startTls(SmtpReply ready);

    /**
     * Runs {@code then} on the event loop once {@code stage} completes, while commands go on being
     * read and executed (unlike {@link #await}).
     */
    <T> void whenDone(CompletionStage<T> stage, BiConsumer<T, Throwable> then);

    /** Completes on the event loop after {@code delay}, from a timer: no thread waits. */
    CompletionStage<Void> delay(Duration delay);
}
