package dev.tern.security.dkim;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A body canonicalization as a stream (RFC 6376 §3.4.3, §3.4.4): the body's octets go in as they
 * arrive, canonical octets come out to a wrapped stream, so that a body of any size is hashed in one
 * pass and constant memory. Both forms hold back empty lines until they know whether the body ends
 * there; {@link #finish()} says that it does.
 */
abstract class BodyCanonicalizer extends OutputStream {

    /** Ends the body: emits what the form adds at the end. The wrapped stream stays open. */
    abstract void finish() throws IOException;
}
