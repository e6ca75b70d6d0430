package dev.tern.mailbox;

import dev.tern.message.TopHeader;
import dev.tern.store.BlobSink;
import dev.tern.store.BlobStore;
import dev.tern.store.MetadataStore;
import dev.tern.store.StoreTx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
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

    /**
     * A content written and durable, not yet referred to by any row.
     *
     * @param header its top-level header section, null when too long to keep
     */
    record Written(String blobId, long size, byte[] inline, byte[] header) {
        void record(StoreTx tx) {
            if (inline != null) {
                tx.blobs().insertInline(blobId, inline, 0, header);
            } else {
                tx.blobs().insert(blobId, size, 0);
                if (header != null) {
                    tx.blobs().setHeader(blobId, header);
                }
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
        ContentStart start = new ContentStart();
        try {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                start.add(buffer, 0, n);
                sink.write(ByteBuffer.wrap(buffer, 0, n));
            }
        } catch (IOException | RuntimeException e) {
            sink.abort();
            throw e;
        }
        return finish(sink, start.header());
    }

    /** A sink for a new content, written by the caller piece by piece. */
    BlobSink newSink() {
        return blobs.create("m" + UUID.randomUUID().toString().replace("-", ""));
    }

    /**
     * Completes a content written into {@code sink}: kept in memory to be committed with its row
     * when small, else made durable here, before any row refers to it. Blocks. The sink is aborted
     * when this fails.
     *
     * @param header the content's top-level header section, to be kept in the index; null if unknown
     */
    Written finish(BlobSink sink, byte[] header) throws IOException {
        try {
            byte[] inline = sink.memoryContent(INLINE_LIMIT);
            if (inline != null) {
                sink.abort();
                return new Written(sink.id(), inline.length, inline, header);
            }
            sink.commit();
            return new Written(sink.id(), sink.size(), null, header);
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
        return new PrefixedInputStream(headerPrefix.getBytes(StandardCharsets.UTF_8), open(blobId));
    }

    /** A stored content, wherever it is kept: inline with the metadata, or in the blob store. */
    InputStream open(String blobId) throws IOException {
        byte[] inline = store.read(tx -> tx.blobs().inlineData(blobId));
        return inline != null ? new ByteArrayInputStream(inline) : blobs.open(blobId);
    }

    /**
     * Keeps the header section of a small content stored by someone else (the queue, for local
     * delivery) unless it is kept already, in the caller's transaction. A larger content is not
     * read here, which would hold the write transaction for a read of the blob store: a search
     * reads its header from the content and keeps it then.
     */
    void keepHeader(StoreTx tx, String blobId) {
        if (tx.blobs().hasHeader(blobId)) {
            return;
        }
        byte[] inline = tx.blobs().inlineData(blobId);
        byte[] header = inline == null ? null : TopHeader.of(inline, inline.length, true);
        if (header != null) {
            tx.blobs().setHeader(blobId, header);
        }
    }

    /** The header section of a content whose header is not kept, read from the content; null when too long. */
    byte[] readHeader(String blobId) throws IOException {
        try (InputStream in = open(blobId)) {
            byte[] start = in.readNBytes(TopHeader.MAX + 2);
            return TopHeader.of(start, start.length, start.length < TopHeader.MAX + 2);
        }
    }

    /** The inline contents among these, by id, in one read transaction. */
    Map<String, byte[]> inline(Collection<String> blobIds) {
        return store.read(tx -> {
            Map<String, byte[]> out = new HashMap<>();
            for (String id : blobIds) {
                if (!out.containsKey(id)) {
                    byte[] data = tx.blobs().inlineData(id);
                    if (data != null) {
                        out.put(id, data);
                    }
                }
            }
            return out;
        });
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
