package dev.tern.auth.client;

/**
 * The client side of one SASL exchange (RFC 4422), independent of the protocol that carries it:
 * SMTP AUTH (RFC 4954) today, IMAP AUTHENTICATE and POP3 AUTH as well. The protocol layer
 * base64-encodes what this returns and decodes the server's challenges.
 *
 * <p>One instance per exchange; not thread-safe. {@link #initialResponse()} and
 * {@link #evaluateChallenge} may block (Kerberos talks to the KDC, SCRAM hashes thousands of
 * times), so protocol code calls them off its I/O threads.
 */
public interface SaslClientMechanism {

    /** The mechanism name as registered with IANA, e.g. {@code SCRAM-SHA-256}. */
    String name();

    /** True when the mechanism starts with a client response (PLAIN, SCRAM, GSSAPI); false when the server speaks first (LOGIN, CRAM-MD5). */
    boolean hasInitialResponse();

    /** The first client response; only called when {@link #hasInitialResponse()}. */
    byte[] initialResponse() throws SaslClientException;

    /** The response to a server challenge (possibly empty). */
    byte[] evaluateChallenge(byte[] challenge) throws SaslClientException;

    /**
     * True when the client is satisfied with the exchange. For mechanisms that authenticate the
     * server (SCRAM's server signature, GSSAPI's mutual authentication) this stays false until the
     * server has proved itself; a protocol that receives a success reply while this is false must
     * treat the authentication as failed.
     */
    boolean isComplete();

    /** Forgets secrets and releases what the exchange holds. Safe to call more than once. */
    default void dispose() {
    }
}
