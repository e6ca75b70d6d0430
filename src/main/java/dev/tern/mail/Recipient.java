package dev.tern.mail;

import java.util.Set;

/**
 * One RCPT TO of a transaction, with its RFC 3461 parameters kept for delivery status
 * notifications.
 *
 * @param address  the recipient as given by the client
 * @param notifyOn NOTIFY values (SUCCESS, FAILURE, DELAY, or NEVER alone); empty when not given
 * @param orcpt    the ORCPT value as received ({@code addr-type;xtext}), or null
 */
public record Recipient(MailAddress address, Set<String> notifyOn, String orcpt) {

    public Recipient {
        notifyOn = Set.copyOf(notifyOn);
    }

    public static Recipient of(MailAddress address) {
        return new Recipient(address, Set.of(), null);
    }
}
