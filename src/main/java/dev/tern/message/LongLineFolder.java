package dev.tern.message;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A message stream in which no line is longer than 998 octets, the limit RFC 5321 §4.5.3.1.6 and
 * RFC 5322 §2.1.1 set for what is sent. Mail is accepted with longer lines (a generated HTML part
 * on one line is common), but many receivers refuse them or cut them (Exim's transports fail such
 * a message), so they are broken before the message leaves.
 *
 * <p>A long line is broken before its last space or tab that follows some other character: the
 * white space begins the next line, so a header field unfolds to exactly what it was (RFC 5322
 * §2.2.3) and HTML renders the same. A line with no such white space is broken at 998 octets
 * with CRLF and a space inserted, as Postfix does (`smtp_line_length_limit`): a line that starts
 * with a space can never be taken for a MIME boundary. Lines within the limit pass unchanged, and
 * only the current line is held back (at most 998 octets).
 */
public final class LongLineFolder extends InputStream {

    /** Octets of a line, not counting its CRLF. */
    public static final int MAX_LINE = 998;

    private final InputStream in;
    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;
    /** Where the current line can be broken (a white space after other text), or -1. */
    private int breakAt = -1;
    private boolean textSeen;

    private final byte[] readBuffer = new byte[16 * 1024];
    private byte[] out = new byte[16 * 1024 + 2 * MAX_LINE];
    private int outStart;
    private int outEnd;
    private boolean eof;

    public LongLineFolder(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        while (outStart == outEnd) {
            if (eof) {
                return -1;
            }
            fill();
        }
        return out[outStart++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (outStart == outEnd) {
            if (eof) {
                return -1;
            }
            fill();
        }
        int n = Math.min(len, outEnd - outStart);
        System.arraycopy(out, outStart, b, off, n);
        outStart += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void fill() throws IOException {
        outStart = 0;
        outEnd = 0;
        int n = in.read(readBuffer);
        if (n < 0) {
            eof = true;
            emit(line, 0, lineLength);
            lineLength = 0;
            return;
        }
        for (int i = 0; i < n; i++) {
            take(readBuffer[i]);
        }
    }

    private void take(byte b) {
        if (b == '\r' || b == '\n') {
            emit(line, 0, lineLength);
            emit(b);
            lineLength = 0;
            breakAt = -1;
            textSeen = false;
            return;
        }
        if (lineLength == MAX_LINE) {
            breakLine();
        }
        boolean white = b == ' ' || b == '\t';
        if (white && textSeen) {
            breakAt = lineLength;
        }
        textSeen |= !white;
        line[lineLength++] = b;
    }

    private void breakLine() {
        if (breakAt > 0) {
            emit(line, 0, breakAt);
            emitCrlf();
            int rest = lineLength - breakAt;
            System.arraycopy(line, breakAt, line, 0, rest);
            lineLength = rest;
            breakAt = -1;
            textSeen = false;
            for (int i = 0; i < lineLength; i++) {
                boolean white = line[i] == ' ' || line[i] == '\t';
                if (white && textSeen) {
                    breakAt = i;
                }
                textSeen |= !white;
            }
        } else {
            emit(line, 0, lineLength);
            emitCrlf();
            line[0] = ' ';
            lineLength = 1;
            breakAt = -1;
            textSeen = false;
        }
    }

    private void emitCrlf() {
        emit((byte) '\r');
        emit((byte) '\n');
    }

    private void emit(byte b) {
        room(1);
        out[outEnd++] = b;
    }

    private void emit(byte[] from, int offset, int length) {
        room(length);
        System.arraycopy(from, offset, out, outEnd, length);
        outEnd += length;
    }

    private void room(int more) {
        if (outEnd + more > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, outEnd + more));
        }
    }
}
