package dev.tern.smtp.client;

import dev.tern.mail.DsnRet;
import dev.tern.mail.MailAddress;

/**
 * A MAIL command: the reverse path and its parameters.
 *
 * @param sender   the reverse path, or null for the null reverse path {@code <>} (bounces)
 * @param size     the message size in octets for RFC 1870 SIZE, or 0 when not known; sent only when the server announced SIZE
 * @param body     {@code 8BITMIME} (RFC 6152), {@code BINARYMIME} (RFC 3030) or null for 7-bit content;
 *                 refused before sending when the server lacks the extension
 * @param smtpUtf8 RFC 6531 SMTPUTF8: addresses or headers in UTF-8; refused before sending when the server lacks it
 * @param ret      RFC 3461 RET, or null; sent only when the server announced DSN
 * @param envId    RFC 3461 ENVID, already in xtext form, or null; sent only when the server announced DSN
 * @param requireTls RFC 8689 REQUIRETLS; refused before sending unless the session is TLS and the
 *                   server announced REQUIRETLS
 */
public record MailFrom(MailAddress sender, long size, String body, boolean smtpUtf8, DsnRet ret, String envId,
                       boolean requireTls) {

    public MailFrom {
        if (size < 0) {
            throw new IllegalArgumentException("negative size");
        }
        if (body != null && !body.equals("8BITMIME") && !body.equals("BINARYMIME") && !body.equals("7BIT")) {
            throw new IllegalArgumentException("BODY must be 7BIT, 8BITMIME or BINARYMIME: " + body);
        }
    }

    /** MAIL FROM with no parameters. */
    public static MailFrom of(MailAddress sender) {
        return new MailFrom(sender, 0, null, false, null, null, false);
    }

    public MailFrom withSize(long octets) {
        return new MailFrom(sender, octets, body, smtpUtf8, ret, envId, requireTls);
    }

    public MailFrom withBody(String bodyType) {
        return new MailFrom(sender, size, bodyType, smtpUtf8, ret, envId, requireTls);
    }

    public MailFrom withSmtpUtf8(boolean utf8) {
        return new MailFrom(sender, size, body, utf8, ret, envId, requireTls);
    }

    public MailFrom withRequireTls(boolean required) {
        return new MailFrom(sender, size, body, smtpUtf8, ret, envId, required);
    }

    /** The reverse path as written in MAIL FROM: {@code <>} or {@code <a@b>}. */
    public String reversePath() {
        return sender == null ? "<>" : "<" + sender + ">";
    }
}
