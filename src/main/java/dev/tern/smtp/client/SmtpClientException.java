package dev.tern.smtp.client;

/**
 * Why an SMTP client step failed. One type for every failure, so that a caller (outbound
 * delivery, {@code tern send}) decides with {@link #kind()} and {@link #reply()} alone: retry
 * later ({@link #isTransient()}) or give up.
 */
public class SmtpClientException extends RuntimeException {

    /** What went wrong. */
    public enum Kind {
        /** The TCP connection could not be made (refused, unreachable, connect timeout, unknown host). */
        CONNECT,
        /** The TLS handshake failed: certificate not trusted, name mismatch, no common protocol. */
        TLS,
        /** No reply, or no progress sending content, within the configured timeout. */
        TIMEOUT,
        /** The server broke the protocol: malformed reply, data after its STARTTLS reply. */
        PROTOCOL,
        /** The connection broke or was closed by the server. */
        CLOSED,
        /** The server refused a command; {@link #reply()} says how. */
        REJECTED,
        /** Authentication failed: refused by the server ({@link #reply()}) or by the client (bad server proof). */
        AUTH,
        /** The server lacks an extension the step needs (STARTTLS, AUTH, SMTPUTF8, 8BITMIME…). */
        UNSUPPORTED
    }

    private final Kind kind;
    private final ServerReply reply;

    public SmtpClientException(Kind kind, String message) {
        this(kind, message, null, null);
    }

    public SmtpClientException(Kind kind, String message, ServerReply reply) {
        this(kind, message, reply, null);
    }

    public SmtpClientException(Kind kind, String message, ServerReply reply, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.reply = reply;
    }

    public Kind kind() {
        return kind;
    }

    /** The server's reply that caused the failure, or null when there was none. */
    public ServerReply reply() {
        return reply;
    }

    /**
     * True when trying again later may succeed: a 4xx reply, or a failure without a reply other than
     * a missing extension. A TLS or protocol failure counts as transient, as in Postfix: the next
     * attempt may reach another server or a fixed certificate, and mail is not bounced for it.
     */
    public boolean isTransient() {
        if (reply != null) {
            return reply.isTransient();
        }
        return kind != Kind.UNSUPPORTED;
    }
}
