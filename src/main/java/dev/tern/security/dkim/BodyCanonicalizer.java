package dev.tern.security.dkim;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A body canonicalization as a stream (RFC 6376 §3.4.3, §3.4.4): the body's octets go in as they
 * arrive, canonical octets come out to a wrapped stream, so that a body of any size is hashed in one
 * pass and constant memory. Both forms hold back empty lines until they know whether the body ends
 * there; {@link #finish()} says that it does.
 *
 * <p>This class pairs CR with a following LF into a line break ({@link #lineBreak()}); every other
 * octet, a CR not followed by LF included, goes to {@link #octet(int)}. Canonical octets collect in
 * a buffer and go out in blocks: a digest updated an octet at a time is slow.
 */
abstract class BodyCanonicalizer extends OutputStream {

    private final OutputStream out;
    private final byte[] buffer = new byte[8192];
    private int buffered;
    private boolean pendingCr;
    private long heldLineBreaks;
    private boolean anyOutput;
    private boolean finished;

    BodyCanonicalizer(OutputStream out) {
        this.out = out;
    }

    /** A CRLF of the body. */
    abstract void lineBreak() throws IOException;

    /** Any other octet of the body. */
    abstract void octet(int c) throws IOException;

    /** What the form adds once the body has ended, before the last block goes out. */
    abstract void end() throws IOException;

    @Override
    public final void write(int b) throws IOException {
        int c = b & 0xff;
        if (pendingCr) {
            pendingCr = false;
            if (c == '\n') {
                lineBreak();
                return;
            }
            octet('\r');
        }
        if (c == '\r') {
            pendingCr = true;
        } else {
            octet(c);
        }
    }

    @Override
    public final void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    /** Ends the body: emits what the form adds at the end. The wrapped stream stays open. */
    final void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        if (pendingCr) {
            pendingCr = false;
            octet('\r');
        }
        end();
        out.write(buffer, 0, buffered);
        buffered = 0;
    }

    /** An empty line, written only if content follows it: empty lines at the end of the body are dropped. */
    final void holdLineBreak() {
        heldLineBreaks++;
    }

    /** Writes the empty lines held back: content came after them. */
    final void releaseHeldLineBreaks() throws IOException {
        for (; heldLineBreaks > 0; heldLineBreaks--) {
            emitLineBreak();
        }
    }

    /** Whether any canonical octet has been emitted. */
    final boolean anyOutput() {
        return anyOutput;
    }

    final void emitLineBreak() throws IOException {
        emit('\r');
        emit('\n');
    }

    final void emit(int c) throws IOException {
        if (buffered == buffer.length) {
            out.write(buffer, 0, buffered);
            buffered = 0;
        }
        buffer[buffered++] = (byte) c;
        anyOutput = true;
    }
}
