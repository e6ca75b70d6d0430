package dev.tern.credentials;

import dev.tern.mail.SenderScope;

import java.time.Instant;

/**
 * An SMTP credential of an application, as listed: never its secret.
 *
 * @param name         the SASL user name, e.g. {@code app-k3x9q2mf@example.org}
 * @param domain       the local domain it belongs to
 * @param senders      what it may use as MAIL FROM and From:
 * @param rate         how many messages it may send per window, or null for no limit of its own
 * @param cramMd5      CRAM-MD5 was enabled for it (its secret is then also kept password-equivalent)
 * @param revokedAt    when it was revoked, or null while it may be used
 * @param lastUsedAt   when it last sent a message, or null
 * @param messagesSent messages sent with it
 */
public record SmtpCredential(String name, String domain, SenderScope senders, SendRate rate, boolean cramMd5,
                             Instant createdAt, Instant revokedAt, Instant lastUsedAt, long messagesSent) {

    public boolean revoked() {
        return revokedAt != null;
    }
}
