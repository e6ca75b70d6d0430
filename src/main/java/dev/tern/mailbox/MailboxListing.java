package dev.tern.mailbox;

/**
 * One line of a LIST or LSUB answer.
 *
 * @param exists      false for a subscription whose mailbox does not exist (\NonExistent, RFC 5258)
 * @param selectable  false for a mailbox kept only as a parent (\Noselect)
 * @param hasChildren \HasChildren or \HasNoChildren (RFC 3348)
 * @param specialUse  its RFC 6154 attribute ({@code \Sent} …), or null
 */
public record MailboxListing(String name, boolean exists, boolean selectable, boolean hasChildren,
                             String specialUse, boolean subscribed) {
}
