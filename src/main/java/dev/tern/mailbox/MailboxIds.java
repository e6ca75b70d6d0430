package dev.tern.mailbox;

/**
 * A mailbox's MAILBOXID (RFC 8474 §4): stays with the mailbox through renames and is never given
 * to another. It is the row id with the UIDVALIDITY: the row keeps both when renamed, and a
 * mailbox made again under a freed row id gets a new UIDVALIDITY. IMAP shows it, and Sieve's
 * {@code fileinto :mailboxid} (RFC 9042) files by it.
 */
public final class MailboxIds {

    private MailboxIds() {
    }

    public static String of(long mailboxRowId, long uidValidity) {
        return "F" + mailboxRowId + "-" + uidValidity;
    }
}
