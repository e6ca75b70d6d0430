package dev.tern.mailbox;

/**
 * What STATUS and SELECT report about a mailbox (RFC 3501 §6.3.10, RFC 7162, RFC 8438, RFC 9051).
 *
 * @param recent always 0: \Recent is not kept (RFC 9051 dropped it; see docs/adr/0010-mailbox-layer.md)
 * @param size   octets of every message together (STATUS SIZE, RFC 8438)
 */
public record MailboxStatus(long mailboxId, long messages, long recent, long unseen, long uidNext, long uidValidity,
                            long highestModSeq, long size, long deleted) {
}
