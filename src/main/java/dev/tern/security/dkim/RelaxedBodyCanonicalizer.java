package dev.tern.security.dkim;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The "relaxed" body canonicalization of RFC 6376 §3.4.4, as a stream.
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

    private boolean pendingSpace;

    RelaxedBodyCanonicalizer(OutputStream out) {
        super(out);
    }

    @Override
    void lineBreak() {
        pendingSpace = false;
        holdLineBreak();
    }

    @Override
    void octet(int c) throws IOException {
        switch (c) {
            case '\n' -> lineBreak();
            case ' ', '\t' -> pendingSpace = true;
            default -> content(c);
        }
    }

    private void content(int c) throws IOException {
        releaseHeldLineBreaks();   // the empty lines held back were not the end of the body after all
        if (pendingSpace) {
            emit(' ');
            pendingSpace = false;
        }
        emit(c);
    }

    /** The last line break, if any content came. */
    @Override
    void end() throws IOException {
        if (anyOutput()) {
            emitLineBreak();
        }
    }
}
