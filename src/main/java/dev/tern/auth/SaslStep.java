package dev.tern.auth;

/** What a SASL exchange asks the protocol to do next. */
public sealed interface SaslStep {

    /** Send this challenge (SMTP: {@code 334 base64}) and wait for the client's response. */
    record Challenge(byte[] data) implements SaslStep {
    }

    /**
     * Authenticated. {@code additionalData} (SCRAM's server-final message, or null) goes with the
     * success where the protocol allows it, else in a last empty-response round.
     */
    record Success(AuthenticatedUser user, byte[] additionalData) implements SaslStep {
    }

    /** The exchange is over without authentication, for the given reason. */
    record Failure(FailureReason reason, String detail) implements SaslStep {
    }

    /** Why an exchange failed: each maps to one reply per protocol. */
    enum FailureReason {
        /** Wrong user name or password, unknown or disabled account, bad proof: SMTP 535 5.7.8. */
        BAD_CREDENTIALS,
        /** A response that is not what the mechanism expects: SMTP 501 5.5.2. */
        MALFORMED,
        /** The client sent "*": SMTP 501 5.0.0. */
        CANCELLED,
        /** The account has no secret for this mechanism (e.g. CRAM-MD5 not enabled): SMTP 535 5.7.8. */
        MECHANISM_UNAVAILABLE,
        /** The store or the KDC could not be reached: SMTP 454 4.7.0. */
        TEMPORARY
    }
}
