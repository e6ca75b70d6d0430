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

    private boolean lineHasContent;

    SimpleBodyCanonicalizer(OutputStream out) {
        super(out);
    }

    @Override
    void lineBreak() throws IOException {
        if (lineHasContent) {
            emitLineBreak();
            lineHasContent = false;
        } else {
            holdLineBreak();
        }
    }

    @Override
    void octet(int c) throws IOException {
        releaseHeldLineBreaks();
        emit(c);
        lineHasContent = true;
    }

    @Override
    void end() throws IOException {
        if (lineHasContent || !anyOutput()) {
            emitLineBreak();
        }
    }
}
