package dev.tern.net.tls;

/** How a listener uses TLS. */
public enum TlsMode {
    /** Plaintext only (tests, or a protocol without TLS). */
    NONE,
    /** Plaintext first; the client may upgrade with STARTTLS (RFC 3207, RFC 2595). */
    STARTTLS,
    /** TLS from the first byte (RFC 8314): submissions, imaps, pop3s. */
    IMPLICIT
}
