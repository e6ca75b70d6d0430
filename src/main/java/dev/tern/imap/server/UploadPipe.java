package dev.tern.imap.server;

import dev.tern.mailbox.MessageUpload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Carries the octets of one message literal from the event loop to its {@link MessageUpload},
 * whose writes (disk I/O once the content spills) run on the storage executor, one at a time and
 * in order. At most {@link #WINDOW} octets wait between the two: beyond that {@link #write}
 * returns a future that completes once the store has caught up, and the connection stops reading
 * meanwhile, so a fast client on a slow disk is slowed down instead of filling the heap.
 *
 * <p>Between the pieces, a {@link Writer} may add content the storage executor reads itself (a
 * CATENATE URL part), in order with the rest.
 *
 * <p>A failed write is remembered and the rest is dropped; {@link #finished()} reports it.
 * {@link #abort()} discards the content once the write in progress is over.
 */
final class UploadPipe {

    /** Octets that may wait for the store before reading stops. */
    static final int WINDOW = 256 * 1024;

    private final MessageUpload upload;
    private final Executor executor;
    /** Pieces of content ({@code byte[]}) and {@link Writer}s, in order. */
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private long pending;
    private long largestPending;
    private boolean running;
    private boolean aborted;
    private Exception failure;
    private CompletableFuture<Void> room;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private boolean closed;

    /**
     * Content the storage executor writes itself, in its place among the pieces: a CATENATE URL
     * part (RFC 4469) read from the store. What it throws fails the pipe as a failed write does.
     */
    @FunctionalInterface
    interface Writer {
        void writeTo(MessageUpload upload) throws IOException;
    }

    UploadPipe(MessageUpload upload, Executor executor) {
        this.upload = upload;
        this.executor = executor;
    }

    MessageUpload upload() {
        return upload;
    }

    /**
     * Queues a copy of {@code octets} (consumed) for the store. Returns null when reading may go
     * on, or a future that completes when there is room again.
     */
    synchronized CompletableFuture<Void> write(ByteBuffer octets) {
        byte[] copy = new byte[octets.remaining()];
        octets.get(copy);
        if (aborted || failure != null || copy.length == 0) {
            return null;
        }
        queue.add(copy);
        pending += copy.length;
        largestPending = Math.max(largestPending, pending);
        startDraining();
        if (pending > WINDOW) {
            room = new CompletableFuture<>();
            return room;
        }
        return null;
    }

    /** Queues {@code writer} to run on the storage executor after what was queued before it. */
    synchronized void write(Writer writer) {
        if (aborted || failure != null || closed) {
            return;
        }
        queue.add(writer);
        startDraining();
    }

    /** No more octets will come; {@link #finished()} completes once all are written. */
    synchronized void close() {
        closed = true;
        if (!running) {
            settle();
        }
    }

    /** Completes when every octet is written (after {@link #close()}), exceptionally when a write failed. */
    CompletableFuture<Void> finished() {
        return finished;
    }

    /** Drops the content; the upload is aborted by the storage executor once no write runs. */
    synchronized void abort() {
        if (aborted) {
            return;
        }
        aborted = true;
        queue.clear();
        pending = 0;
        releaseRoom();
        if (!running) {
            running = true;
            run(() -> {
                upload.abort();
                synchronized (this) {
                    running = false;
                }
            });
        }
        finished.completeExceptionally(new IOException("upload aborted"));
    }

    /** The most octets that ever waited for the store at once (the pipe's memory high-water mark). */
    synchronized long largestPending() {
        return largestPending;
    }

    private void startDraining() {
        if (!running) {
            running = true;
            run(this::drain);
        }
    }

    private void run(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            running = false;
            failure = e;
            queue.clear();
            pending = 0;
            releaseRoom();
            settle();
        }
    }

    /** Writes queued pieces until none is left; runs on the storage executor. */
    private void drain() {
        while (true) {
            Object next;
            synchronized (this) {
                next = queue.poll();
                if (next == null || aborted) {
                    running = false;
                    if (aborted) {
                        upload.abort();
                    } else if (closed) {
                        settle();
                    }
                    return;
                }
            }
            Exception error = null;
            int length = next instanceof byte[] bytes ? bytes.length : 0;
            try {
                if (next instanceof byte[] bytes) {
                    upload.write(ByteBuffer.wrap(bytes));
                } else {
                    ((Writer) next).writeTo(upload);
                }
            } catch (IOException | RuntimeException e) {
                error = e;
            }
            synchronized (this) {
                pending -= length;
                if (error != null && failure == null) {
                    failure = error;
                    queue.clear();
                    pending = 0;
                }
                if (pending <= WINDOW / 2) {
                    releaseRoom();
                }
            }
        }
    }

    private void releaseRoom() {
        if (room != null) {
            CompletableFuture<Void> r = room;
            room = null;
            r.complete(null);
        }
    }

    private void settle() {
        if (aborted) {
            return;
        }
        if (failure != null) {
            finished.completeExceptionally(failure);
        } else {
            finished.complete(null);
        }
    }
}
