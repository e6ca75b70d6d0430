package dev.tern.smtp.server;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Rewrites the content of one message on its way to the queue (submission fix-ups: Message-ID and
 * Date added when missing) and decides afterwards whether it may be queued (the From: header
 * must belong to the authenticated user). Supplied by the backend per message; runs on the event
 * loop, so it must not block and must bound what it holds.
 */
public interface ContentFilter {

    /** Takes all of {@code in}; hands what may already go on to {@code out}, which consumes it before returning. */
    void write(ByteBuffer in, Consumer<ByteBuffer> out);

    /** The content is complete: hand on whatever is still held. */
    void finish(Consumer<ByteBuffer> out);

    /**
     * After {@link #finish}: completes normally when the message may be queued, or exceptionally
     * with a {@link dev.tern.mail.MailException} carrying the refusal.
     */
    CompletableFuture<Void> verdict();

    /**
     * After {@link #verdict} completed normally: what the queue must know besides the content
     * (trace fields to add at delivery, quarantine).
     */
    default dev.tern.mail.ReceptionVerdict reception() {
        return dev.tern.mail.ReceptionVerdict.NONE;
    }
}
