package dev.tern.config;

/**
 * The listeners mail clients use, in the order clients should prefer them: implicit TLS before
 * STARTTLS (RFC 8314 §5.1), IMAP before POP3. DNS SRV records (RFC 6186) and client
 * autoconfiguration are made from them in this order.
 */
public enum ClientService {
    SUBMISSIONS("submissions", Protocol.SMTP, true),
    SUBMISSION("submission", Protocol.SMTP, false),
    IMAPS("imaps", Protocol.IMAP, true),
    IMAP("imap", Protocol.IMAP, false),
    POP3S("pop3s", Protocol.POP3, true),
    POP3("pop3", Protocol.POP3, false);

    /** What a client does with a service. */
    public enum Protocol { SMTP, IMAP, POP3 }

    private final String listener;
    private final Protocol protocol;
    private final boolean implicitTls;

    ClientService(String listener, Protocol protocol, boolean implicitTls) {
        this.listener = listener;
        this.protocol = protocol;
        this.implicitTls = implicitTls;
    }

    /** The name of its listener in {@code [listeners]}, which is also its RFC 6186 service label. */
    public String listener() {
        return listener;
    }

    public Protocol protocol() {
        return protocol;
    }

    /** TLS from the first byte (465, 993, 995); else the client upgrades with STARTTLS or STLS. */
    public boolean implicitTls() {
        return implicitTls;
    }
}
