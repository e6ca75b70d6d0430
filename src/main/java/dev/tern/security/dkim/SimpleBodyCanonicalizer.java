package dev.tern.security.dkim;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The "simple" body canonicalization of RFC 6376 §3.4.3, as a stream: the body as it is, except
 * that empty lines at its end are dropped, and a body that is empty or does not end with CRLF gets
 * one (an empty body becomes a single CRLF).
 *
 * <p>Only CRLF ends a line here: the form keeps every octet, so a bare CR or LF is content. Empty
 * lines are counted, not stored, until content shows they were not the end of the body.
 */
final class SimpleBodyCanonicalizer extends BodyCanonicalizer {

    private final OutputStream out;
    private final byte[] buffer = new byte[8192];
    private int buffered;
    private long heldLineBreaks;
    private boolean pendingCr;
    private boolean lineHasContent;
    private boolean anyOutput;
    private boolean finished;

    SimpleBodyCanonicalizer(OutputStream out) {
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
        if (c == '\r') {
            pendingCr = true;
        } else {
            content(c);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

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
        if (lineHasContent || !anyOutput) {
            emit('\r');
            emit('\n');
        }
        out.write(buffer, 0, buffered);
        buffered = 0;
    }

    private void endLine() throws IOException {
        if (lineHasContent) {
            emit('\r');
            emit('\n');
            lineHasContent = false;
        } else {
            heldLineBreaks++;
        }
    }

    private void content(int c) throws IOException {
        for (; heldLineBreaks > 0; heldLineBreaks--) {
            emit('\r');
            emit('\n');
        }
        emit(c);
        lineHasContent = true;
    }

    private void emit(int c) throws IOException {
        if (buffered == buffer.length) {
            out.write(buffer, 0, buffered);
            buffered = 0;
        }
        buffer[buffered++] = (byte) c;
        anyOutput = true;
    }
}
