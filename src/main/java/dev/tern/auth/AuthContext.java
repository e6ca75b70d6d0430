package dev.tern.auth;

import java.net.InetAddress;

/**
 * Where an authentication happens: decides which mechanisms may be offered and is the key of
 * failure throttling.
 *
 * @param client   the client's address
 * @param tls      the connection is encrypted (STARTTLS done, or implicit TLS)
 * @param protocol {@code smtp}, {@code imap}, {@code pop} or {@code sieve} (the GSSAPI service name), or
 *                 {@code http} (the send API, which takes a password only)
 * @param serverName this server's host name (the GSSAPI host and the SCRAM/CRAM-MD5 challenge domain)
 */
public record AuthContext(InetAddress client, boolean tls, String protocol, String serverName) {

    /** A login to send mail (SMTP AUTH or the send API): SMTP credentials may log in, as accounts do. */
    public boolean sendsMail() {
        return "smtp".equals(protocol) || "http".equals(protocol);
    }
}
