package dev.tern.mailbox;

import dev.tern.store.BlobSink;
import dev.tern.store.BlobStore;
import dev.tern.store.MetadataStore;
import dev.tern.store.StoreTx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Message contents as the mailbox layer sees them: stored once, shared by reference count between
 * the queue and every message that holds them, kept inline in the metadata when small, and
 * deleted after the commit that drops their last reference.
 */
final class Contents {

    private static final Logger log = LoggerFactory.getLogger(Contents.class);

    /** Contents up to this size are kept in their metadata row, as the queue does. */
    static final int INLINE_LIMIT = 64 * 1024;

    /** A content written and durable, not yet referred to by any row. */
    record Written(String blobId, long size, byte[] inline) {
        void record(StoreTx tx) {
            if (inline != null) {
                tx.blobs().insertInline(blobId, inline, 0);
            } else {
                tx.blobs().insert(blobId, size, 0);
            }
        }
    }

    private final MetadataStore store;
    private final BlobStore blobs;

    Contents(MetadataStore store, BlobStore blobs) {
        this.store = store;
        this.blobs = blobs;
    }

    /**
     * Writes a new content; small ones stay in memory to be committed with their row, larger ones
     * are made durable here, before any row refers to them. Blocks.
     */
    Written write(InputStream in) throws IOException {
        BlobSink sink = newSink();
        try {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                sink.write(ByteBuffer.wrap(buffer, 0, n));
            }
        } catch (IOException | RuntimeException e) {
            sink.abort();
            throw e;
        }
        return finish(sink);
    }

    /** A sink for a new content, written by the caller piece by piece. */
    BlobSink newSink() {
        return blobs.create("m" + UUID.randomUUID().toString().replace("-", ""));
    }

    /**
     * Completes a content written into {@code sink}: kept in memory to be committed with its row
     * when small, else made durable here, before any row refers to it. Blocks. The sink is aborted
     * when this fails.
     */
    Written finish(BlobSink sink) throws IOException {
        try {
            byte[] inline = sink.memoryContent(INLINE_LIMIT);
            if (inline != null) {
                sink.abort();
                return new Written(sink.id(), inline.length, inline);
            }
            sink.commit();
            return new Written(sink.id(), sink.size(), null);
        } catch (IOException | RuntimeException e) {
            sink.abort();
            throw e;
        }
    }

    /** Removes a written content whose row never committed. */
    void discard(Written w) {
        if (w.inline() == null) {
            delete(w.blobId());
        }
    }

    /** A message: its header prefix, then its content. */
    InputStream open(String headerPrefix, String blobId) throws IOException {
        InputStream prefix = new ByteArrayInputStream(headerPrefix.getBytes(StandardCharsets.UTF_8));
        return new SequenceInputStream(prefix, open(blobId));
    }

    /** A stored content, wherever it is kept: inline with the metadata, or in the blob store. */
    InputStream open(String blobId) throws IOException {
        byte[] inline = store.read(tx -> tx.blobs().inlineData(blobId));
        return inline != null ? new ByteArrayInputStream(inline) : blobs.open(blobId);
    }

    /** Drops one reference to a content, deleting it after commit when it was the last. */
    void release(StoreTx tx, String blobId) {
        if (tx.blobs().addRefs(blobId, -1) == 0) {
            tx.afterCommit(() -> delete(blobId));
        }
    }

    private void delete(String blobId) {
        try {
            blobs.delete(blobId);
        } catch (IOException e) {
            // The orphan sweep at the next start removes it.
            log.warn("could not delete message content {}: {}", blobId, e.getMessage());
        }
    }
}
