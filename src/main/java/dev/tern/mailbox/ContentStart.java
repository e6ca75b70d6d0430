package dev.tern.mailbox;

import dev.tern.message.TopHeader;
import java.nio.ByteBuffer;

/**
 * The first octets of a content as it is written, where its top-level header section is: kept so
 * that the header can go into the index with the content's row without reading the content back.
 * Holds at most {@link TopHeader#MAX} + 2 octets. Used by one thread at a time.
 */
final class ContentStart {

    private final byte[] start = new byte[TopHeader.MAX + 2];
    private int length;

    void add(byte[] octets, int offset, int count) {
        int take = Math.min(count, start.length - length);
        if (take > 0) {
            System.arraycopy(octets, offset, start, length, take);
            length += take;
        }
    }

    /** Takes a copy of what {@code octets} has left without moving its position. */
    void add(ByteBuffer octets) {
        int take = Math.min(octets.remaining(), start.length - length);
        if (take > 0) {
            octets.get(octets.position(), start, length, take);
            length += take;
        }
    }

    /** The header section, once the whole content has passed; null when it is too long to keep. */
    byte[] header() {
        return TopHeader.of(start, length, length < start.length);
    }
}
