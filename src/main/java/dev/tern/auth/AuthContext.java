package dev.tern.auth;

import java.net.InetAddress;

/**
 * Where an authentication happens: decides which mechanisms may be offered and is the key of
 * failure throttling.
 *
 * @param client   the client's address
 * @param tls      the connection is encrypted (STARTTLS done, or implicit TLS)
 * @param protocol {@code smtp}, {@code imap}, {@code pop} or {@code sieve} (the GSSAPI service name)
 * @param serverName this server's host name (the GSSAPI host and the SCRAM/CRAM-MD5 challenge domain)
 */
public record AuthContext(InetAddress client, boolean tls, String protocol, String serverName) {
}
