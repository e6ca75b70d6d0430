package dev.tern.auth;

/**
 * The server side of one SASL exchange (RFC 4422): one AUTH (SMTP, POP3) or AUTHENTICATE (IMAP)
 * command. The protocol layer base64-decodes each client response, passes it here, and encodes
 * the challenge it gets back.
 *
 * <p>Not thread-safe. {@link #step} may block (password hashing, Kerberos), so protocol code
 * runs it off its event loop.
 *
 * <p>A client that answers a challenge with {@code *} cancels the exchange (RFC 4954 §4, RFC 3501
 * §6.2.2): the protocol layer recognises it, does not pass it to {@link #step}, replies with its
 * CANCELLED reply (SMTP 501 5.0.0) and calls {@link #dispose}.
 *
 * <p>An exchange that ends with a {@link SaslStep.Failure} or {@link SaslStep.Success} is over: a
 * later {@link #step} answers a MALFORMED failure.
 */
public interface SaslExchange {

    /** The mechanism name, as offered (e.g. {@code SCRAM-SHA-256}). */
    String mechanism();

    /**
     * Processes the client's next response and says what to do next.
     *
     * @param response the decoded response; for the first step, the initial response (RFC 4954
     *                 §4), or null when the client sent none; an empty array for an empty one ("=")
     */
    SaslStep step(byte[] response);

    /**
     * The login name the client has claimed so far (SASL's authentication identity), or null while
     * it has not said one. For logs and per-account throttling; not proof of anything.
     */
    default String authenticationId() {
        return null;
    }

    /** Releases what the exchange holds (a GSS context). Safe to call more than once. */
    default void dispose() {
    }
}
