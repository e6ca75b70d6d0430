package dev.tern.managesieve;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * What a {@link ManageSieveSession} asks of its connection. Implemented over Netty by
 * {@link ManageSieveHandler}; every method is called on the connection's event loop.
 */
interface ManageSieveIo {

    /** Queues a reply; replies are flushed when the session runs out of input or waits. */
    void send(ManageSieveReply reply);

    /** Sends a last reply and closes the connection; later input is ignored. */
    void sendAndClose(ManageSieveReply reply);

    /**
     * Stops reading commands until {@code stage} completes, then runs {@code then} on the event
     * loop and goes on with the commands already received, in order.
     */
    <T> void await(CompletionStage<T> stage, BiConsumer<T, Throwable> then);

    /**
     * Sends {@code ready} in plaintext, then starts the TLS handshake (RFC 5804 §2.2). Input
     * already received after the STARTTLS line is thrown away unread. The session hears of the
     * handshake's success through {@link ManageSieveSession#tlsStarted}.
     */
    void startTls(ManageSieveReply ready);

    /** Completes on the event loop after {@code delay}, from a timer: no thread waits. */
    CompletionStage<Void> delay(Duration delay);
}
