package dev.tern.smtp.server;

import dev.tern.config.SmtpLimits;
import dev.tern.mail.MailAddress;
import dev.tern.net.tls.TlsMode;

import java.util.ArrayList;
import java.util.List;

/**
 * What every session of one SMTP listener shares: its name, the server's host name, limits, the
 * backend, TLS and AUTH, whether it speaks LMTP (RFC 2033) instead of SMTP, and the replies
 * computed once (greeting, base EHLO keywords).
 */
record SmtpSettings(String listener, String hostname, SmtpLimits limits, boolean protocolTrace,
                    SmtpBackend backend, SmtpSecurity security, boolean lmtp) {

    SmtpSettings(String listener, String hostname, SmtpLimits limits, boolean protocolTrace, SmtpBackend backend) {
        this(listener, hostname, limits, protocolTrace, backend, SmtpSecurity.none());
    }

    SmtpSettings(String listener, String hostname, SmtpLimits limits, boolean protocolTrace, SmtpBackend backend,
                 SmtpSecurity security) {
        this(listener, hostname, limits, protocolTrace, backend, security, false);
    }

    SmtpReply greeting() {
        return lmtp ? Replies.lmtpGreeting(hostname) : Replies.greeting(hostname);
    }

    SmtpReply heloReply() {
        return SmtpReply.plain(250, hostname);
    }

    /** The EHLO reply of a plaintext session without AUTH. */
    SmtpReply ehloReply() {
        return ehloReply(false, List.of());
    }

    /**
     * The EHLO keywords (RFC 5321 §4.1.1.1): PIPELINING (RFC 2920), SIZE (RFC 1870), 8BITMIME
     * (RFC 6152), SMTPUTF8 (RFC 6531), ENHANCEDSTATUSCODES (RFC 2034), CHUNKING and BINARYMIME
     * (RFC 3030), DSN (RFC 3461), STARTTLS before TLS only (RFC 3207 §4.2), REQUIRETLS over TLS only
     * (RFC 8689: the promise to pass such mail on only over verified TLS), AUTH with the mechanisms
     * this connection may use (RFC 4954 §3), HELP. VRFY is a base command, not a keyword. LMTP's
     * LHLO is answered with the same keywords (RFC 2033 §5 requires PIPELINING).
     */
    SmtpReply ehloReply(boolean tlsActive, List<String> mechanisms) {
        List<String> lines = new ArrayList<>(List.of(hostname, "PIPELINING", "SIZE " + limits.maxMessageSize(),
                "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "CHUNKING", "BINARYMIME", "DSN"));
        if (security.tlsMode() == TlsMode.STARTTLS && !tlsActive) {
            lines.add("STARTTLS");
        }
        if (tlsActive) {
            lines.add("REQUIRETLS");
        }
        if (!mechanisms.isEmpty()) {
            lines.add("AUTH " + String.join(" ", mechanisms));
        }
        lines.add("HELP");
        return new SmtpReply(250, null, lines);
    }

    /**
     * The address a bare {@code RCPT TO:<Postmaster>} stands for (RFC 5321 §4.1.1.3: the postmaster
     * of this host): {@code postmaster@} + the server's host name. Routing must treat the host name
     * as a local domain, as Postfix does with {@code mydestination = $myhostname}.
     */
    MailAddress postmaster() {
        return MailAddress.of("postmaster", hostname);
    }
}
