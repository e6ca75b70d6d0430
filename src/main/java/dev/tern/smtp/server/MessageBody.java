package dev.tern.smtp.server;

import dev.tern.store.BlobSink;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The content of one message on its way into a {@link BlobSink}: counts the octets the client
 * sent, enforces the size limit (RFC 1870), and remembers why the message must be refused. After
 * the first failure the sink is aborted at once and later bytes are only counted, so that the
 * session can read to the end of the content and stay in step with the client.
 *
 * <p>{@link BlobSink#write} runs on the event loop, as the sink's contract allows (only
 * {@code commit}, done by the queue at enqueue time, may block).
 */
final class MessageBody {

    enum Failure { TOO_BIG, BARE_LINE_ENDING, STORAGE }

    private final BlobSink sink;
    private final ContentFilter filter;
    private final long maxSize;
    private long size;
    private Failure failure;
    private Exception storageError;

    MessageBody(BlobSink sink, long maxSize) {
        this(sink, null, maxSize);
    }

    /** @param filter rewrites the client's content before it reaches the sink, or null */
    MessageBody(BlobSink sink, ContentFilter filter, long maxSize) {
        this.sink = sink;
        this.filter = filter;
        this.maxSize = maxSize;
    }

    /** Writes trace headers added by the server; they do not count against the client's size. */
    void writeTrace(ByteBuffer header) {
        store(header);
    }

    /** Writes content sent by the client (consumes all of {@code content}). */
    void write(ByteBuffer content) {
        size += content.remaining();
        if (failure == null && size > maxSize) {
            fail(Failure.TOO_BIG);
        }
        if (failure != null) {
            content.position(content.limit());
            return;
        }
        if (filter != null) {
            filter.write(content, this::store);
        } else {
            store(content);
        }
    }

    /** The client's content is complete: lets the filter hand on what it still holds. */
    void finish() {
        if (filter != null && failure == null) {
            filter.finish(this::store);
        }
    }

    /** What the filter concluded besides letting the message in (after {@link #verdict} succeeded). */
    dev.tern.mail.ReceptionVerdict reception() {
        return filter == null ? dev.tern.mail.ReceptionVerdict.NONE : filter.reception();
    }

    /** The envelope to queue the message with (after {@link #verdict} succeeded): the filter may change it. */
    dev.tern.mail.Envelope envelope(dev.tern.mail.Envelope given) {
        return filter == null ? given : filter.envelope(given);
    }

    /** Whether the filter wants the message accepted and thrown away (after {@link #verdict} succeeded). */
    boolean discarded() {
        return filter != null && filter.discarded();
    }

    /** Whether the filter lets the message be queued (after {@link #finish}); done at once without a filter. */
    java.util.concurrent.CompletableFuture<Void> verdict() {
        return filter == null ? java.util.concurrent.CompletableFuture.completedFuture(null) : filter.verdict();
    }

    private void store(ByteBuffer bytes) {
        try {
            sink.write(bytes);
        } catch (IOException | RuntimeException e) {
            storageError = e;
            fail(Failure.STORAGE);
        }
    }

    /** Marks the message as refused; the first reason wins. The sink is discarded. */
    void fail(Failure reason) {
        if (failure == null) {
            failure = reason;
            sink.abort();
        }
    }

    /** The reply that refuses this message, or null when it may be enqueued. */
    SmtpReply refusal() {
        if (failure == null) {
            return null;
        }
        return switch (failure) {
            case TOO_BIG -> Replies.MESSAGE_TOO_BIG;
            case BARE_LINE_ENDING -> Replies.BARE_LINE_ENDING;
            case STORAGE -> Replies.LOCAL_ERROR;
        };
    }

    /** What went wrong while storing, for the server log only. */
    Exception storageError() {
        return storageError;
    }

    void abort() {
        sink.abort();
    }

    BlobSink sink() {
        return sink;
    }

    /** Octets the client sent, after dot-unstuffing. */
    long size() {
        return size;
    }
}
