package dev.tern.imap.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Decodes a quoted-printable body (RFC 2045 §6.7) as it is read, in bounded memory.
 *
 * <ul>
 *   <li>{@code =XX} (two hex digits, either case) is the octet XX;</li>
 *   <li>{@code =} at the end of a line, after optional blanks (transport padding), is a soft line
 *       break and disappears with its CRLF (or bare LF); at the end of the input too, since the
 *       CRLF before a multipart boundary belongs to the boundary;</li>
 *   <li>blanks at the end of a line or of the input were added in transit (rule 3) and are dropped;</li>
 *   <li>anything else, an {@code =} that starts no valid escape included, is kept as it is (the
 *       "robust implementation" of §6.7 note 2): {@code =ZZ=4\r\n} decodes to {@code =ZZ=4\r\n},
 *       octet for octet, and a line break is never doubled.</li>
 * </ul>
 * A run of more than {@value #MAX_BLANKS} blanks is kept whatever follows it, so that no input
 * makes the decoder hold more than that. Decoding the same octets always gives the same result:
 * BINARY announces the decoded length, then streams the decoding again.
 *
 * <p>Mime4j's {@code QuotedPrintableInputStream}, used before, is not lenient in that way: after
 * an invalid escape it wrote the line's CR twice ({@code =ZZ=4\r\n} came out {@code =ZZ=4\r\r\n}),
 * which BINARY would have served as the part's content.
 */
public final class QuotedPrintableDecoder extends InputStream {

    /** Blanks held back to see whether a line ends after them. */
    static final int MAX_BLANKS = 1024;

    private final InputStream in;
    /** Undecoded input: {@code [pos, limit)} is read but not yet decoded. */
    private final byte[] buffer = new byte[8192];
    private int pos;
    private int limit;
    private boolean eof;
    /** Decoded output not yet returned: {@code [outPos, outLimit)}. */
    private final byte[] out = new byte[8192 + MAX_BLANKS + 2];
    private int outPos;
    private int outLimit;

    public QuotedPrintableDecoder(InputStream in) {
        this.in = Objects.requireNonNull(in);
    }

    @Override
    public int read() throws IOException {
        if (outPos == outLimit && !decodeMore()) {
            return -1;
        }
        return out[outPos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (outPos == outLimit && !decodeMore()) {
            return -1;
        }
        int n = Math.min(len, outLimit - outPos);
        System.arraycopy(out, outPos, b, off, n);
        outPos += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Decodes the next input into {@link #out}; false at the end of the input. */
    private boolean decodeMore() throws IOException {
        outPos = 0;
        outLimit = 0;
        while (outLimit < 8192 && peek(0) >= 0) {
            decodeOne();
        }
        return outLimit > 0;
    }

    /** Decodes one octet, escape, soft line break or run of blanks (at most MAX_BLANKS + 1 octets out). */
    private void decodeOne() throws IOException {
        int c = peek(0);
        if (c == ' ' || c == '\t') {
            int run = blanks(0);
            if (run <= MAX_BLANKS && lineEndsAt(run)) {
                pos += run;     // transport padding
            } else {
                copy(Math.min(run, MAX_BLANKS));
            }
        } else if (c == '=') {
            decodeEquals();
        } else {
            out[outLimit++] = (byte) c;
            pos++;
        }
    }

    private void decodeEquals() throws IOException {
        int high = hex(peek(1));
        int low = high < 0 ? -1 : hex(peek(2));
        if (low >= 0) {
            out[outLimit++] = (byte) (high << 4 | low);
            pos += 3;
            return;
        }
        int padding = blanks(1);
        if (padding <= MAX_BLANKS && lineEndsAt(1 + padding)) {
            // A soft line break: the "=", its padding and the line break go.
            pos += 1 + padding;
            if (peek(0) == '\r') {
                pos++;
            }
            if (peek(0) == '\n') {
                pos++;
            }
            return;
        }
        // Not an escape: the "=" stays, and what follows is decoded on its own.
        out[outLimit++] = '=';
        pos++;
    }

    /** The number of blanks from {@code ahead} on, counting at most MAX_BLANKS + 1. */
    private int blanks(int ahead) throws IOException {
        int n = 0;
        while (n <= MAX_BLANKS) {
            int c = peek(ahead + n);
            if (c != ' ' && c != '\t') {
                break;
            }
            n++;
        }
        return n;
    }

    /** A line ends {@code ahead} octets on: CRLF, a bare LF, or the end of the input. */
    private boolean lineEndsAt(int ahead) throws IOException {
        int c = peek(ahead);
        return c < 0 || c == '\n' || c == '\r' && peek(ahead + 1) == '\n';
    }

    private void copy(int n) {
        System.arraycopy(buffer, pos, out, outLimit, n);
        outLimit += n;
        pos += n;
    }

    /** The octet {@code ahead} positions on, reading more input when needed; -1 past the end. */
    private int peek(int ahead) throws IOException {
        while (pos + ahead >= limit && !eof) {
            fill();
        }
        return pos + ahead < limit ? buffer[pos + ahead] & 0xff : -1;
    }

    private void fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buffer, pos, buffer, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
        }
    }

    private static int hex(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }
}
