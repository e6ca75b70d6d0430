package dev.tern.mailbox;

/**
 * A mailbox operation that cannot be done as asked; the reason maps to an IMAP response code
 * (RFC 5530) or a POP3 reply. Its message is meant for the user.
 */
public final class MailboxException extends RuntimeException {

    public enum Reason {
        /** The mailbox does not exist: [NONEXISTENT]. */
        NONEXISTENT,
        /** A mailbox of that name exists: [ALREADYEXISTS]. */
        ALREADY_EXISTS,
        /** Not a name Tern accepts: [CANNOT]. */
        INVALID_NAME,
        /** The operation is not allowed on this mailbox (delete INBOX, select \Noselect): [CANNOT]. */
        NOT_ALLOWED,
        /** The user lacks a right for this on a mailbox another account shares (RFC 4314): [NOPERM]. */
        NO_PERMISSION,
        /** A \Noselect mailbox with children cannot be deleted (RFC 3501 §6.3.4): [HASCHILDREN] (RFC 9051). */
        HAS_CHILDREN
    }

    private final Reason reason;

    public MailboxException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
