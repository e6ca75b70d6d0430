package dev.tern.auth;

/**
 * Told of each failed authentication, as the authentication log records it (for metrics). Runs
 * on the thread of the exchange: it must return at once.
 */
@FunctionalInterface
public interface AuthFailureListener {

    AuthFailureListener NONE = (protocol, mechanism, reason) -> {
    };

    /**
     * @param protocol  smtp, imap or pop3
     * @param mechanism the SASL mechanism
     * @param reason    as in the log: bad-credentials, malformed, locked-out…
     */
    void failed(String protocol, String mechanism, String reason);
}
