package dev.tern.message;

import java.util.Arrays;

/**
 * Finds a content's top-level header section (RFC 5322 §2.1): everything up to and including the
 * empty line that ends it, or the whole content when it has no body. The index keeps it per
 * content so that searches on header fields read no message.
 */
public final class TopHeader {

    /** A header longer than this is not kept: a search reads it from the content instead. */
    public static final int MAX = 64 * 1024;

    private TopHeader() {
    }

    /**
     * The header section among the first {@code length} octets of {@code content}; null when it
     * goes on past them (or past {@link #MAX}) and so cannot be told from here.
     *
     * @param complete true when those octets are the whole content
     */
    public static byte[] of(byte[] content, int length, boolean complete) {
        int limit = Math.min(length, MAX);
        for (int i = 0; i < limit; i++) {
            if (content[i] != '\n') {
                continue;
            }
            // A line that is empty (LF alone, or CRLF) right after a line end closes the header.
            if (i == 0 || content[i - 1] == '\n' || i >= 2 && content[i - 1] == '\r' && content[i - 2] == '\n'
                    || i == 1 && content[0] == '\r') {
                return Arrays.copyOf(content, i + 1);
            }
        }
        return complete && length <= MAX ? Arrays.copyOf(content, length) : null;
    }
}
