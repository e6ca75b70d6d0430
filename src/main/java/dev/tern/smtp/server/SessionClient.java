package dev.tern.smtp.server;

import dev.tern.auth.AuthContext;
import dev.tern.auth.AuthenticatedUser;
import dev.tern.mail.ClientInfo;
import dev.tern.mail.IpAddresses;

import java.net.InetAddress;

/**
 * What a session knows about its client: address, HELO name, TLS and the authenticated user, and
 * what follows from them (the RFC 3848 WITH keyword, the {@link ClientInfo} for the backend, the
 * origin in the Received header). STARTTLS makes the session forget all but the address.
 */
final class SessionClient {

    final InetAddress address;
    /** The connection speaks LMTP (RFC 2033), which has WITH keywords of its own. */
    private final boolean lmtp;
    /** {@code unknown[192.0.2.1]}, for logs; {@code local} for a client on a Unix socket. */
    final String logName;
    String helo;
    /** The name reverse DNS gave for the address and forward DNS confirmed, or null. */
    String verifiedName;
    boolean esmtp;
    /** "TLSv1.3 with cipher …" once TLS is up, else null. */
    String tls;
    AuthenticatedUser user;

    SessionClient(InetAddress address, boolean lmtp) {
        this.address = address;
        this.lmtp = lmtp;
        // Only a Unix socket's client has no address (every TCP peer has one).
        this.logName = address == null ? "local" : "unknown" + ReceivedHeader.addressLiteral(address);
    }

    /** RFC 3207 §4.2: nothing learnt before TLS is kept. */
    void forget() {
        helo = null;
        esmtp = false;
        user = null;
    }

    boolean authenticated() {
        return user != null;
    }

    ClientInfo info(String listener, Transaction t) {
        return new ClientInfo(address == null ? "local" : IpAddresses.format(address), verifiedName, helo, protocol(t), listener,
                user == null ? null : user.address(), user == null ? null : user.senderScope());
    }

    /**
     * RFC 3848 / RFC 6531 §3.7.3 WITH keyword: ESMTP, ESMTPS, ESMTPA, ESMTPSA, UTF8SMTP(S)(A); for
     * LMTP, LMTP(S)(A) and UTF8LMTP(S)(A).
     */
    String protocol(Transaction t) {
        if (!esmtp) {
            return "SMTP";
        }
        boolean utf8 = t != null && t.mail().smtpUtf8();
        String base = lmtp ? (utf8 ? "UTF8LMTP" : "LMTP") : utf8 ? "UTF8SMTP" : "ESMTP";
        return base + (tls != null ? "S" : "") + (user != null ? "A" : "");
    }

    AuthContext authContext(String serverName) {
        return new AuthContext(address, tls != null, "smtp", serverName);
    }

    /** @param hideAuthenticated leave out HELO and address when the client authenticated */
    ReceivedHeader.Origin origin(boolean hideAuthenticated) {
        return new ReceivedHeader.Origin(helo, address, verifiedName, tls, user == null ? null : user.address(),
                hideAuthenticated && user != null);
    }
}
