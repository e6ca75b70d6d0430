package dev.tern.store;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A message content being written. Bytes go in with {@link #write}; {@link #commit} makes them
 * durable (the call returns only once they are on stable storage) and {@link #abort} throws them
 * away. A sink is used by one thread at a time; {@code commit} blocks and must not run on an
 * event loop.
 */
public interface BlobSink {

    /** The id under which the content will be found once committed. */
    String id();

    /** Appends bytes; small contents stay in memory, larger ones spill to storage. */
    void write(ByteBuffer data) throws IOException;

    /** Bytes written so far. */
    long size();

    /**
     * The content written so far when it is still held in memory and at most {@code max} bytes,
     * else null. Lets a caller keep a small content with its metadata instead of committing it
     * here; the sink must still be committed or aborted.
     */
    default byte[] memoryContent(int max) {
        return null;
    }

    /** Makes the content durable. After it returns, {@link BlobStore#open} finds it under {@link #id()}. */
    void commit() throws IOException;

    /** Discards the content; safe to call more than once, and after a failed commit. */
    void abort();
}
