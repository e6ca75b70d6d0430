package dev.tern.security.dkim;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The "relaxed" body canonicalization of RFC 6376 §3.4.4, as a stream: octets go in as they are
 * read, canonical octets come out to the wrapped stream (a digest), so that a body of any size is
 * hashed in one pass with constant memory.
 *
 * <p>Whitespace at the end of a line is dropped and each run inside a line becomes one space. Empty
 * lines are held back until a later line has content, because empty lines at the end of the body
 * are dropped; a body that is not empty ends with exactly one CRLF, and an empty body stays empty
 * (RFC 6376 §3.4.4 with erratum 1384).
 *
 * <p>Lines end with LF, a CR before it belonging to the line break: Tern's queue keeps CRLF, and
 * verifiers read a bare LF as a line break as well. A CR that is not followed by LF is content.
 */
final class RelaxedBodyCanonicalizer extends BodyCanonicalizer {

    private final OutputStream out;
    /** Canonical octets collect here and go out in blocks: a digest updated octet by octet is slow. */
    private final byte[] buffer = new byte[8192];
    private int buffered;
    private long heldLineBreaks;
    private boolean pendingSpace;
    private boolean pendingCr;
    private boolean anyContent;
    private boolean finished;

    RelaxedBodyCanonicalizer(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        int c = b & 0xff;
        if (pendingCr) {
            pendingCr = false;
            if (c == '\n') {
                endLine();
                return;
            }
            content('\r');
        }
        switch (c) {
            case '\r' -> pendingCr = true;
            case '\n' -> endLine();
            case ' ', '\t' -> pendingSpace = true;
            default -> content(c);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    /** Ends the body: emits the last line break, if any content came. The wrapped stream stays open. */
    @Override
    void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        if (pendingCr) {
            pendingCr = false;
            content('\r');
        }
        if (anyContent) {
            emit('\r');
            emit('\n');
        }
        out.write(buffer, 0, buffered);
        buffered = 0;
    }

    private void endLine() {
        pendingSpace = false;
        heldLineBreaks++;
    }

    private void content(int c) throws IOException {
        // Empty lines held back were not the end of the body after all.
        for (; heldLineBreaks > 0; heldLineBreaks--) {
            emit('\r');
            emit('\n');
        }
        if (pendingSpace) {
            emit(' ');
            pendingSpace = false;
        }
        emit(c);
        anyContent = true;
    }

    private void emit(int c) throws IOException {
        if (buffered == buffer.length) {
            out.write(buffer, 0, buffered);
            buffered = 0;
        }
        buffer[buffered++] = (byte) c;
    }
}
