package dev.tern.mail;

import java.util.List;
import java.util.Set;

/**
 * One RCPT TO of a transaction, with its RFC 3461 parameters kept for delivery status
 * notifications.
 *
 * @param address  the recipient as given by the client
 * @param notifyOn NOTIFY values (SUCCESS, FAILURE, DELAY, or NEVER alone); empty when not given
 * @param orcpt    the ORCPT value as received ({@code addr-type;xtext}), or null
 * @param localAccounts the ids of the local accounts the address led to when it was accepted (RCPT
 *                 time), for delivery in the enqueue transaction to check rather than look up
 *                 again (docs/adr/0023); null when it is not known to be local
 */
public record Recipient(MailAddress address, Set<String> notifyOn, String orcpt, List<Long> localAccounts) {

    public Recipient {
        notifyOn = Set.copyOf(notifyOn);
        localAccounts = localAccounts == null ? null : List.copyOf(localAccounts);
    }

    public Recipient(MailAddress address, Set<String> notifyOn, String orcpt) {
        this(address, notifyOn, orcpt, null);
    }

    public static Recipient of(MailAddress address) {
        return new Recipient(address, Set.of(), null);
    }

    /** This recipient, known to lead to these local accounts. */
    public Recipient withLocalAccounts(List<Long> accountIds) {
        return new Recipient(address, notifyOn, orcpt, accountIds);
    }
}
