package dev.tern.mail;

import java.time.Instant;
import java.util.List;

/**
 * What an SMTP transaction says about a message besides its content.
 *
 * @param sender     the reverse path, or null for the null reverse path {@code <>} (bounces)
 * @param recipients accepted recipients, in order
 * @param bodyType   7BIT, 8BITMIME or BINARYMIME (RFC 6152, RFC 3030)
 * @param smtpUtf8   the client asked for SMTPUTF8 (RFC 6531)
 * @param ret        RFC 3461 RET, or null
 * @param envId      RFC 3461 ENVID (xtext as received), or null
 * @param client     who sent it
 * @param receivedAt when the message was accepted
 * @param verdict    what the receiving checks concluded (trace fields to add, quarantine)
 * @param requireTls RFC 8689 REQUIRETLS: the message goes on only over TLS with a verified
 *                   certificate, to servers that take REQUIRETLS too
 */
public record Envelope(MailAddress sender, List<Recipient> recipients, String bodyType, boolean smtpUtf8,
                       DsnRet ret, String envId, ClientInfo client, Instant receivedAt, ReceptionVerdict verdict,
                       boolean requireTls) {

    public Envelope {
        recipients = List.copyOf(recipients);
        verdict = verdict == null ? ReceptionVerdict.NONE : verdict;
    }

    /** An envelope without REQUIRETLS. */
    public Envelope(MailAddress sender, List<Recipient> recipients, String bodyType, boolean smtpUtf8,
                    DsnRet ret, String envId, ClientInfo client, Instant receivedAt, ReceptionVerdict verdict) {
        this(sender, recipients, bodyType, smtpUtf8, ret, envId, client, receivedAt, verdict, false);
    }

    /** The same envelope, with or without REQUIRETLS. */
    public Envelope withRequireTls(boolean required) {
        return new Envelope(sender, recipients, bodyType, smtpUtf8, ret, envId, client, receivedAt, verdict, required);
    }

    /** An envelope no receiving check has looked at (submission, trusted clients, generated mail). */
    public Envelope(MailAddress sender, List<Recipient> recipients, String bodyType, boolean smtpUtf8,
                    DsnRet ret, String envId, ClientInfo client, Instant receivedAt) {
        this(sender, recipients, bodyType, smtpUtf8, ret, envId, client, receivedAt, ReceptionVerdict.NONE);
    }

    /** The reverse path as written in a Return-Path header: {@code <>} or {@code <a@b>}. */
    public String reversePath() {
        return sender == null ? "<>" : "<" + sender + ">";
    }
}
