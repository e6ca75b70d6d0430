package dev.tern.smtp.client;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What every connection of one {@link SmtpClient} shares.
 *
 * @param ehloName     the name sent in EHLO/HELO: this host's fully qualified name (RFC 5321 §4.1.1.1)
 * @param timeouts     per-step timeouts
 * @param tls          how server certificates are checked
 * @param localAddress the source address to connect from, or null for the system's choice
 *                     (outbound delivery binds the address its SPF record and PTR name)
 */
public record SmtpClientSettings(String ehloName, SmtpTimeouts timeouts, TlsSettings tls, InetAddress localAddress) {

    public SmtpClientSettings {
        Objects.requireNonNull(ehloName, "ehloName");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(tls, "tls");
        if (ehloName.isBlank() || !ehloName.matches("[A-Za-z0-9.:\\[\\]-]+")) {
            throw new IllegalArgumentException("not a host name or address literal for EHLO: " + ehloName);
        }
    }

    /** RFC 5321 timeouts, certificates verified against the JDK trust store. */
    public static SmtpClientSettings defaults(String ehloName) {
        return new SmtpClientSettings(ehloName, SmtpTimeouts.rfc5321(), TlsSettings.verifying(), null);
    }

    public SmtpClientSettings withTimeouts(SmtpTimeouts t) {
        return new SmtpClientSettings(ehloName, t, tls, localAddress);
    }

    public SmtpClientSettings withTls(TlsSettings t) {
        return new SmtpClientSettings(ehloName, timeouts, t, localAddress);
    }

    public SmtpClientSettings withLocalAddress(InetAddress a) {
        return new SmtpClientSettings(ehloName, timeouts, tls, a);
    }
}
