package dev.tern.delivery.dsn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The part of the original message a report returns, read with bounded memory: at most the size
 * limit plus one byte to decide whether the whole message fits, and at most
 * {@value #MAX_HEADER_SECTION} bytes of header section otherwise. The rest of the stream is never read.
 * Line endings are made CRLF, as the report's MIME structure requires.
 */
final class ReturnedOriginal {

    /** The most header section returned (Postfix's header_size_limit is the same size). */
    static final int MAX_HEADER_SECTION = 100 * 1024;

    private final ReturnedContent kind;
    private final byte[] content;

    private ReturnedOriginal(ReturnedContent kind, byte[] content) {
        this.kind = kind;
        this.content = content;
    }

    static ReturnedOriginal none() {
        return new ReturnedOriginal(ReturnedContent.NONE, new byte[0]);
    }

    /**
     * @param wholeWanted the report should return the whole message if it fits
     * @param sizeLimit   the largest message returned whole
     */
    static ReturnedOriginal read(InputStream in, boolean wholeWanted, int sizeLimit) throws IOException {
        if (!wholeWanted) {
            return new ReturnedOriginal(ReturnedContent.HEADERS, headerSection(new byte[0], in));
        }
        byte[] head = in.readNBytes(sizeLimit + 1);
        if (head.length <= sizeLimit) {
            return new ReturnedOriginal(ReturnedContent.FULL_MESSAGE, crlf(head, head.length));
        }
        return new ReturnedOriginal(ReturnedContent.HEADERS_BECAUSE_TOO_LARGE, headerSection(head, in));
    }

    ReturnedContent kind() {
        return kind;
    }

    /** The bytes to put in the part, CRLF line endings, ending in CRLF unless empty. */
    byte[] content() {
        return content;
    }

    boolean eightBit() {
        for (byte b : content) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    /** The header section: up to the first empty line, or to the end of a message without body. */
    private static byte[] headerSection(byte[] alreadyRead, InputStream rest) throws IOException {
        byte[] text = alreadyRead;
        int end = endOfHeaderSection(text);
        boolean atEnd = false;
        if (end < 0 && text.length < MAX_HEADER_SECTION) {
            byte[] more = rest.readNBytes(MAX_HEADER_SECTION - text.length);
            atEnd = more.length < MAX_HEADER_SECTION - text.length;
            text = concat(text, more);
            end = endOfHeaderSection(text);
        }
        if (end < 0 && atEnd) {
            end = text.length;
        }
        if (end < 0 || end > MAX_HEADER_SECTION) {
            end = lastLineEnd(text, MAX_HEADER_SECTION);
        }
        return crlf(text, end);
    }

    /** The offset of the empty line that ends the header section, or -1 when there is none. */
    private static int endOfHeaderSection(byte[] b) {
        int lineStart = 0;
        for (int i = 0; i < b.length; i++) {
            if (i == lineStart && (b[i] == '\n' || (b[i] == '\r' && i + 1 < b.length && b[i + 1] == '\n'))) {
                return lineStart;
            }
            if (b[i] == '\n') {
                lineStart = i + 1;
            }
        }
        return -1;
    }

    /** The offset just after the last LF within the first {@code limit} bytes; 0 when there is none. */
    private static int lastLineEnd(byte[] b, int limit) {
        for (int i = Math.min(b.length, limit) - 1; i >= 0; i--) {
            if (b[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    /** The first {@code length} bytes with bare CR and bare LF made CRLF, and a final CRLF added if missing. */
    private static byte[] crlf(byte[] b, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + length / 50 + 2);
        for (int i = 0; i < length; i++) {
            byte c = b[i];
            if (c == '\r') {
                out.write('\r');
                out.write('\n');
                if (i + 1 < length && b[i + 1] == '\n') {
                    i++;
                }
            } else if (c == '\n') {
                out.write('\r');
                out.write('\n');
            } else {
                out.write(c);
            }
        }
        int n = out.size();
        byte[] result = out.toByteArray();
        if (n > 0 && !(n >= 2 && result[n - 2] == '\r' && result[n - 1] == '\n')) {
            result = Arrays.copyOf(result, n + 2);
            result[n] = '\r';
            result[n + 1] = '\n';
        }
        return result;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
