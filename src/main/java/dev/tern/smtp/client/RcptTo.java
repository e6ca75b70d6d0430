package dev.tern.smtp.client;

import dev.tern.mail.MailAddress;

import java.util.Set;

/**
 * An RCPT command: the forward path and its RFC 3461 parameters (sent only when the server
 * announced DSN).
 *
 * @param recipient the forward path
 * @param notifyOn  NOTIFY values (SUCCESS, FAILURE, DELAY, or NEVER alone); empty for none
 * @param orcpt     ORCPT ({@code addr-type;xtext}), or null
 */
public record RcptTo(MailAddress recipient, Set<String> notifyOn, String orcpt) {

    public RcptTo {
        notifyOn = Set.copyOf(notifyOn);
    }

    public static RcptTo of(MailAddress recipient) {
        return new RcptTo(recipient, Set.of(), null);
    }
}
