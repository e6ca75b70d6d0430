package dev.tern.mailbox;

import dev.tern.store.BlobSink;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The content of a message that a client is still sending, written into the blob store as it
 * arrives (IMAP APPEND): small contents stay in memory, larger ones spill to storage, so the
 * message is never held whole. Hand it to {@link MessageService#append(long, MessageUpload, Flags,
 * java.time.Instant)} once complete, or {@link #abort()} it; either way nothing is left behind.
 *
 * <p>Used by one thread at a time. {@link #write} does local disk writes at most (no network, no
 * fsync); the durable commit happens in {@code append}, on a storage thread.
 */
public final class MessageUpload {

    private final BlobSink sink;
    private final ContentStart start = new ContentStart();
    private boolean nul;

    public MessageUpload(BlobSink sink) {
        this.sink = sink;
    }

    public void write(ByteBuffer octets) throws IOException {
        if (!nul) {
            for (int i = octets.position(); i < octets.limit(); i++) {
                if (octets.get(i) == 0) {
                    nul = true;
                    break;
                }
            }
        }
        start.add(octets);
        sink.write(octets);
    }

    /** Octets written so far. */
    public long size() {
        return sink.size();
    }

    /** A NUL octet was written: fine in a literal8, not in a plain literal (RFC 3516 §4.2). */
    public boolean containsNul() {
        return nul;
    }

    /** Discards the content; safe to call more than once. */
    public void abort() {
        sink.abort();
    }

    BlobSink sink() {
        return sink;
    }

    /** The content's header section, once complete; null when too long to keep. */
    byte[] header() {
        return start.header();
    }
}
