package dev.tern.message;

import dev.tern.mail.MailAddress;

/**
 * One mailbox of an address header field such as {@code From:} (RFC 5322 §3.4).
 *
 * @param displayName the display name with encoded words (RFC 2047) decoded, or null when there is none
 * @param address     the addr-spec
 */
public record HeaderMailbox(String displayName, MailAddress address) {

    @Override
    public String toString() {
        return displayName == null ? "<" + address + ">" : displayName + " <" + address + ">";
    }
}
