package dev.tern.auth;

/** The answer to a request to start a SASL exchange. */
public sealed interface SaslStart {

    record Started(SaslExchange exchange) implements SaslStart {
    }

    record Refused(Reason reason) implements SaslStart {
    }

    /** Why an exchange was not started: each maps to one reply per protocol. */
    enum Reason {
        /** Not a mechanism Tern knows: SMTP 504 5.5.4. */
        UNKNOWN_MECHANISM,
        /** A password mechanism on a connection without TLS: SMTP 538 5.7.11 (RFC 4954 §6). */
        ENCRYPTION_REQUIRED,
        /** Too many recent failures from this client or for this account: SMTP 454 4.7.0. */
        LOCKED_OUT
    }
}
