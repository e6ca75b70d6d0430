package dev.tern.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Removes header fields by name from a message as it streams by, as Postfix's {@code header_checks}
 * with {@code IGNORE} does: a field whose name the predicate accepts (given in lower case) is left
 * out with its continuation lines; every other byte passes through unchanged, the body untouched.
 *
 * <p>The header section ends at the first empty line, or at the first line that is neither a field
 * nor the continuation of one. Memory: one line of the header section at most, and no more than
 * {@code maxLine} octets of it; a longer line ends the removal and everything from it on passes
 * through as it came.
 *
 * <p>Use: {@link #write} each chunk of content as it arrives, then {@link #finish} once; both hand
 * what goes on to {@code out}, which must consume or copy a buffer before it returns. One instance
 * per message, used by one thread at a time.
 */
public final class HeaderFieldRemoval {

    private final Predicate<String> removed;
    private final int maxLine;

    private boolean inHeader = true;
    private byte[] line = new byte[128];
    private int length;
    /** Whether the field the next continuation line belongs to is being left out. */
    private boolean dropping;
    /** Whether a field has been seen: a continuation line before any is not one. */
    private boolean inField;

    /**
     * @param removed which field names (in lower case) go
     * @param maxLine the longest header line held; a longer one ends the removal
     */
    public HeaderFieldRemoval(Predicate<String> removed, int maxLine) {
        this.removed = removed;
        this.maxLine = maxLine;
    }

    /** Takes all of {@code in} (advancing its position) and hands on what can already go. */
    public void write(ByteBuffer in, Consumer<ByteBuffer> out) {
        while (inHeader && in.hasRemaining()) {
            int start = in.position();
            int end = in.limit();
            for (int i = start; i < in.limit(); i++) {
                if (in.get(i) == '\n') {
                    end = i + 1;
                    break;
                }
            }
            int n = end - start;
            if (length + n > maxLine) {
                inHeader = false;    // not a header line this filter holds: the rest passes as it came
                out.accept(ByteBuffer.wrap(line, 0, length));
                length = 0;
                break;
            }
            if (length + n > line.length) {
                line = Arrays.copyOf(line, Math.min(maxLine, Math.max(length + n, line.length * 2)));
            }
            in.get(line, length, n);
            length += n;
            if (line[length - 1] == '\n') {
                endOfLine(out);
            }
        }
        if (!inHeader && in.hasRemaining()) {
            ByteBuffer rest = in.slice();
            in.position(in.limit());
            out.accept(rest);
        }
    }

    /** The content is complete: hands on a last header line that had no line end. */
    public void finish(Consumer<ByteBuffer> out) {
        if (inHeader && length > 0) {
            endOfLine(out);
        }
        inHeader = false;
    }

    private void endOfLine(Consumer<ByteBuffer> out) {
        boolean keep;
        if (length <= 2 && (line[0] == '\n' || line[0] == '\r')) {
            inHeader = false;    // the empty line that ends the header section
            keep = true;
        } else if (line[0] == ' ' || line[0] == '\t') {
            if (!inField) {
                inHeader = false;
            }
            keep = !inField || !dropping;
        } else {
            String name = fieldName();
            if (name == null) {
                inHeader = false;    // not a field: the body has begun
                keep = true;
            } else {
                inField = true;
                dropping = removed.test(name.toLowerCase(Locale.ROOT));
                keep = !dropping;
            }
        }
        if (keep) {
            out.accept(ByteBuffer.wrap(line, 0, length));
        }
        length = 0;
    }

    /** The name of the field the held line starts, or null when it does not start one. */
    private String fieldName() {
        int colon = -1;
        for (int i = 0; i < length; i++) {
            byte b = line[i];
            if (b == ':') {
                colon = i;
                break;
            }
            if (b < 33 || b > 126) {
                // RFC 5322's obsolete syntax allows white space between the name and the colon.
                int j = i;
                while (j < length && (line[j] == ' ' || line[j] == '\t')) {
                    j++;
                }
                if (j < length && line[j] == ':' && i > 0) {
                    colon = i;
                }
                break;
            }
        }
        return colon <= 0 ? null : new String(line, 0, colon, StandardCharsets.US_ASCII);
    }
}
