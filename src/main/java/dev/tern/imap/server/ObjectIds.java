package dev.tern.imap.server;

/**
 * The object identifiers of RFC 8474 (OBJECTID): a MAILBOXID that stays with a mailbox through
 * renames and is never given to another, and an EMAILID that stays with a message's content
 * through COPY and MOVE. Both are 1–255 letters, digits, '-' and '_'.
 *
 * <p>A mailbox's is its row id with its UIDVALIDITY ({@link dev.tern.mailbox.MailboxIds}). A message's is its content's blob id,
 * which copies share and a new delivery or APPEND never reuses. THREADID is not kept: NIL.
 */
final class ObjectIds {

    private ObjectIds() {
    }

    static String mailboxId(long mailboxRowId, long uidValidity) {
        return dev.tern.mailbox.MailboxIds.of(mailboxRowId, uidValidity);
    }

    static String emailId(String blobId) {
        return "M" + blobId;
    }
}
