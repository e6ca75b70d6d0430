package dev.tern.smtp.server;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Rewrites the content of one message on its way to the queue (submission fix-ups: Message-ID and
 * Date added when missing) and decides afterwards whether it may be queued (the From: header
 * must belong to the authenticated user). Supplied by the backend per message; runs on the event
 * loop, so it must not block and must bound what it holds.
 *
 * <p>A filter that must see the whole message before it can say what is stored (a milter, which
 * may change it at its end) keeps the {@code out} of {@link #finish} and hands the content on
 * before its {@link #verdict} completes; such a filter comes last in a {@link #chain}.
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

    /**
     * After {@link #verdict} completed normally: the envelope to queue the message with, given the
     * one of the SMTP transaction (a milter may change the sender and the recipients). By default,
     * the given one.
     */
    default dev.tern.mail.Envelope envelope(dev.tern.mail.Envelope given) {
        return given;
    }

    /**
     * After {@link #verdict} completed normally: the message is to be accepted and thrown away (a
     * milter's DISCARD): the client hears it was queued, and nobody gets it.
     */
    default boolean discarded() {
        return false;
    }

    /**
     * The content through {@code first}, then what it hands on through {@code second}; the verdict
     * of {@code second} is asked only once {@code first} accepted, and the reception combines both.
     */
    static ContentFilter chain(ContentFilter first, ContentFilter second) {
        return new ContentFilter() {
            @Override
            public void write(ByteBuffer in, Consumer<ByteBuffer> out) {
                first.write(in, b -> second.write(b, out));
            }

            @Override
            public void finish(Consumer<ByteBuffer> out) {
                first.finish(b -> second.write(b, out));
                second.finish(out);
            }

            @Override
            public CompletableFuture<Void> verdict() {
                return first.verdict().thenCompose(v -> second.verdict());
            }

            @Override
            public dev.tern.mail.ReceptionVerdict reception() {
                return first.reception().plus(second.reception());
            }

            @Override
            public dev.tern.mail.Envelope envelope(dev.tern.mail.Envelope given) {
                return second.envelope(first.envelope(given));
            }

            @Override
            public boolean discarded() {
                return first.discarded() || second.discarded();
            }
        };
    }
}
