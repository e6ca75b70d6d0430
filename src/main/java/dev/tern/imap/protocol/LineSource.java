package dev.tern.imap.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads a message line by line with one line of look-ahead, knowing each line's offset. A line's
 * content is kept up to {@link #MAX_HEAD} octets (enough for any header field worth reading and
 * for boundary lines); longer lines are still measured exactly, so offsets are always right.
 * Line ends are LF or CRLF.
 */
final class LineSource {

    static final int MAX_HEAD = 16 * 1024;

    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private int bufPos;
    private int bufLen;
    private boolean eof;

    private long position;
    private long lineFeeds;
    private int lastEol;

    // The peeked line.
    private boolean peeked;
    private final byte[] head = new byte[MAX_HEAD];
    private int headLength;
    private long lineLength;
    private int eolLength;

    LineSource(InputStream in) {
        this.in = in;
    }

    /** Offset of the next unconsumed line. */
    long position() {
        return position;
    }

    /** Lines consumed so far that ended in a line feed. */
    long lineFeeds() {
        return lineFeeds;
    }

    /** Length of the line end (0, 1 or 2) of the last consumed line. */
    int lastEol() {
        return lastEol;
    }

    /** Peeks at the next line; false at the end of the input. */
    boolean peek() {
        if (peeked) {
            return true;
        }
        headLength = 0;
        lineLength = 0;
        eolLength = 0;
        boolean previousWasCr = false;
        while (true) {
            if (bufPos == bufLen && !fill()) {
                break;
            }
            byte b = buf[bufPos++];
            lineLength++;
            if (b == '\n') {
                eolLength = previousWasCr ? 2 : 1;
                if (previousWasCr && headLength == lineLength - 1) {
                    headLength--;
                }
                break;
            }
            previousWasCr = b == '\r';
            if (headLength < MAX_HEAD) {
                head[headLength++] = b;
            }
        }
        peeked = lineLength > 0;
        return peeked;
    }

    /** Content of the peeked line without its end, at most {@link #MAX_HEAD} octets. */
    byte[] head() {
        return head;
    }

    int headLength() {
        return headLength;
    }

    boolean isBlank() {
        return lineLength == eolLength;
    }

    /** The peeked line starts with a space or tab (a folded header continuation). */
    boolean isContinuation() {
        return headLength > 0 && (head[0] == ' ' || head[0] == '\t');
    }

    void consume() {
        if (!peeked && !peek()) {
            return;
        }
        position += lineLength;
        if (eolLength > 0) {
            lineFeeds++;
        }
        lastEol = eolLength;
        peeked = false;
    }

    private boolean fill() {
        if (eof) {
            return false;
        }
        try {
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                eof = true;
                return false;
            }
            bufPos = 0;
            bufLen = n;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
