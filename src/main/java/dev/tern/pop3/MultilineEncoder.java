package dev.tern.pop3;

import io.netty.buffer.ByteBuf;

/**
 * A message as the body of a multi-line response (RFC 1939 §3): every line ends in CRLF (a bare LF
 * becomes CRLF), a line starting with "." gets another one, and {@link #finish} adds the closing
 * ".". For TOP (RFC 1939 §7) it stops after the header, the blank line and a number of body lines.
 * Pure and incremental: a message goes through in chunks, never whole in memory.
 */
final class MultilineEncoder {

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final long bodyLines;
    private boolean lineStart = true;
    private boolean pendingCr;
    private int lineLength;
    private boolean inBody;
    private long bodyLinesSent;
    private boolean done;

    /** @param bodyLines body lines to send after the header (TOP), or -1 for the whole message (RETR) */
    MultilineEncoder(long bodyLines) {
        this.bodyLines = bodyLines;
    }

    /** True when TOP has sent all it should: more input is not wanted. */
    boolean done() {
        return done;
    }

    /** Encodes {@code len} bytes; returns {@link #done()}. */
    boolean encode(byte[] b, int off, int len, ByteBuf out) {
        for (int i = off; i < off + len && !done; i++) {
            byte c = b[i];
            if (pendingCr) {
                pendingCr = false;
                if (c == LF) {
                    endLine(out);
                    continue;
                }
                text(CR, out);   // a CR on its own is kept as it was
            }
            if (c == CR) {
                pendingCr = true;
            } else if (c == LF) {
                endLine(out);
            } else {
                text(c, out);
            }
        }
        return done;
    }

    /** Ends the last line if it was open, and writes the terminating ".". */
    void finish(ByteBuf out) {
        if (pendingCr && !done) {
            pendingCr = false;
            endLine(out);
        }
        if (!lineStart) {
            out.writeByte(CR).writeByte(LF);
        }
        out.writeByte('.').writeByte(CR).writeByte(LF);
    }

    private void text(byte c, ByteBuf out) {
        if (lineStart && c == '.') {
            out.writeByte('.');
        }
        out.writeByte(c);
        lineStart = false;
        lineLength++;
    }

    private void endLine(ByteBuf out) {
        out.writeByte(CR).writeByte(LF);
        boolean separator = !inBody && lineLength == 0;
        lineStart = true;
        lineLength = 0;
        if (separator) {
            inBody = true;
            done = bodyLines == 0;
        } else if (inBody) {
            bodyLinesSent++;
            done = bodyLines >= 0 && bodyLinesSent >= bodyLines;
        }
    }
}
