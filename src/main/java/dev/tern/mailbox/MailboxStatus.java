package dev.tern.mailbox;

/**
 * What STATUS and SELECT report about a mailbox (RFC 3501 §6.3.10, RFC 7162, RFC 8438, RFC 9051).
 *
 * @param recent      messages no IMAP4rev1 session has seen as \Recent yet (RFC 9051 dropped \Recent)
 * @param size        octets of every message together (STATUS SIZE, RFC 8438)
 * @param deletedSize octets of the messages flagged \Deleted together (STATUS DELETED-STORAGE, RFC 9208),
 *                    read only when asked for: -1 otherwise
 */
public record MailboxStatus(long mailboxId, long messages, long recent, long unseen, long uidNext, long uidValidity,
                            long highestModSeq, long size, long deleted, long deletedSize) {
}
