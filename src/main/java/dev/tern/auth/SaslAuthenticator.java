package dev.tern.auth;

import java.time.Duration;
import java.util.List;

/**
 * The SASL mechanisms Tern offers, shared by SMTP, IMAP and POP3: which ones a connection may
 * use, and a new exchange for one of them.
 */
public interface SaslAuthenticator {

    /**
     * The mechanisms to announce on this connection, strongest first. Password mechanisms
     * (PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-256) only over TLS, unless the configuration allows
     * plaintext from loopback clients; GSSAPI only when Kerberos is configured.
     */
    List<String> mechanisms(AuthContext context);

    /**
     * Passwords may cross this connection: it is encrypted, or the configuration allows them in
     * the clear (loopback clients under {@code plaintext_on_loopback}). The one rule behind the
     * password mechanisms offered, USER/PASS and LOGIN accepted, and what a protocol lets a client
     * do after it logged in without TLS.
     */
    boolean passwordsAllowed(AuthContext context);

    /** Starts an exchange, or says why it may not start (unknown mechanism, no TLS, locked out). */
    SaslStart start(String mechanism, AuthContext context);

    /**
     * How long the protocol holds the reply to a failed exchange from this client before sending
     * it: grows with the client's recent failures (brute-force throttling). The protocol waits
     * with a timer, never by blocking a thread.
     */
    Duration failureDelay(AuthContext context);
}
