package dev.tern.smtp.server;

import java.nio.ByteBuffer;

/**
 * Reads DATA content (RFC 5321 §4.1.1.4): removes the transparency dot (§4.5.2) and finds the end
 * of data. Pure state machine over bytes; the state carries over between calls, so content may
 * arrive in any split.
 *
 * <p>Security (SMTP smuggling, CVE-2023-51764): the end of data is recognised only as
 * {@code CRLF "." CRLF}, the first CRLF being the end of the previous line (or of the DATA command).
 * A bare LF or bare CR never starts a line, so {@code LF "." LF}, {@code CRLF "." LF},
 * {@code LF "." CRLF} and {@code CR "." CRLF} are content. Any bare LF or bare CR is recorded
 * ({@link #sawBareLineEnding()}) so that the message can be refused (RFC 5321 §2.3.8) once the
 * real end of data has been read and the session is back in step with the client.
 */
final class DataReader {

    private enum State {
        /** Right after CRLF: a dot here is either padding or the start of the end-of-data line. */
        LINE_START,
        /** A dot at the start of a line. */
        DOT,
        /** A dot then CR at the start of a line: LF ends the data. */
        DOT_CR,
        /** Within a line. */
        TEXT,
        /** A CR within a line: LF ends the line. */
        CR
    }

    /** Bytes one input byte can produce at most (a held CR, then the byte). */
    static final int MAX_EXPANSION = 2;

    private State state = State.LINE_START;
    private boolean done;
    private boolean bareLineEnding;

    /**
     * Consumes bytes of {@code src} into content written to {@code out}, until the end of data has
     * been consumed, {@code src} is empty, or {@code out} has fewer than {@link #MAX_EXPANSION} bytes
     * free. Never consumes a byte after the end of data.
     */
    void read(ByteBuffer src, ByteBuffer out) {
        while (!done && src.hasRemaining() && out.remaining() >= MAX_EXPANSION) {
            if (state == State.TEXT && copyText(src, out)) {
                continue;
            }
            byte b = src.get();
            switch (state) {
                case LINE_START -> {
                    if (b == '.') {
                        state = State.DOT;
                    } else {
                        text(b, out);
                    }
                }
                case DOT -> {
                    if (b == '\r') {
                        state = State.DOT_CR;
                    } else {
                        text(b, out);  // the dot was padding: dropped
                    }
                }
                case DOT_CR -> {
                    if (b == '\n') {
                        done = true;
                    } else {
                        bareLineEnding = true;
                        out.put((byte) '\r');
                        text(b, out);
                    }
                }
                case TEXT -> text(b, out);
                case CR -> {
                    if (b == '\n') {
                        out.put(b);
                        state = State.LINE_START;
                    } else {
                        bareLineEnding = true;
                        text(b, out);
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
    }

    /**
     * The fast path for the bulk of a message: copies the run of bytes up to the next CR or LF in
     * one go. Returns false when the next byte is a CR or LF (the state machine handles it).
     */
    private boolean copyText(ByteBuffer src, ByteBuffer out) {
        int start = src.position();
        int end = Math.min(src.limit(), start + out.remaining() - (MAX_EXPANSION - 1));
        int i = start;
        while (i < end) {
            byte c = src.get(i);
            if (c == '\r' || c == '\n') {
                break;
            }
            i++;
        }
        int n = i - start;
        if (n == 0) {
            return false;
        }
        out.put(out.position(), src, start, n);
        out.position(out.position() + n);
        src.position(i);
        return true;
    }

    private void text(byte b, ByteBuffer out) {
        out.put(b);
        if (b == '\r') {
            state = State.CR;
        } else {
            if (b == '\n') {
                bareLineEnding = true;
            }
            state = State.TEXT;
        }
    }

    /** True once {@code CRLF.CRLF} has been consumed. */
    boolean isDone() {
        return done;
    }

    /** True when the content held an LF not preceded by CR, or a CR not followed by LF. */
    boolean sawBareLineEnding() {
        return bareLineEnding;
    }
}
