package dev.tern.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;

/**
 * The start of a content held in memory while it stays under a limit: what a {@link BlobSink}
 * keeps until it knows whether the content is small (kept with its metadata, or written in one
 * piece) or must spill to storage. The buffer grows by doubling, never past the limit.
 */
public final class SmallContent {

    private final int limit;
    private ByteBuffer buffer = ByteBuffer.allocate(8192);

    public SmallContent(int limit) {
        this.limit = limit;
    }

    /** Appends all of {@code data} and returns true, or returns false (taking nothing) when it would pass the limit. */
    public boolean append(ByteBuffer data) {
        int needed = buffer.position() + data.remaining();
        if (needed > limit) {
            return false;
        }
        if (buffer.remaining() < data.remaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.min(limit, Math.max(buffer.capacity() * 2, needed)));
            buffer.flip();
            bigger.put(buffer);
            buffer = bigger;
        }
        buffer.put(data);
        return true;
    }

    public int length() {
        return buffer.position();
    }

    /** A copy of the bytes held. */
    public byte[] bytes() {
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    /** Writes the bytes held to {@code channel}, all of them. */
    public void writeTo(WritableByteChannel channel) throws IOException {
        ByteBuffer view = ByteBuffer.wrap(buffer.array(), 0, buffer.position());
        while (view.hasRemaining()) {
            channel.write(view);
        }
    }
}
