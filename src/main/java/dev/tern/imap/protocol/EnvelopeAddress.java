package dev.tern.imap.protocol;

/**
 * One address of an ENVELOPE (RFC 9051 §7.5.2): {@code (name adl mailbox host)}. Groups
 * (RFC 5322 §3.4) are marked the IMAP way: the group's start is an address with a null host and
 * the group name as mailbox, its end one with all four fields null.
 *
 * @param name    the display name as it appears (quotes removed, encoded words left encoded), or null
 * @param adl     the obsolete source route ({@code @a,@b}), or null
 * @param mailbox the local part, or the group name at a group's start
 * @param host    the domain, or null at a group's start and end
 */
public record EnvelopeAddress(String name, String adl, String mailbox, String host) {

    public static EnvelopeAddress groupStart(String groupName) {
        return new EnvelopeAddress(null, null, groupName, null);
    }

    public static EnvelopeAddress groupEnd() {
        return new EnvelopeAddress(null, null, null, null);
    }
}
