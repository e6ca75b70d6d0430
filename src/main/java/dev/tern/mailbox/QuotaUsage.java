package dev.tern.mailbox;

/**
 * An account's quota and what its messages take now, in octets (IMAP QUOTA, RFC 9208).
 *
 * @param limit the most the account's messages may take
 * @param used  what they take: the sum of their sizes in every mailbox
 */
public record QuotaUsage(long limit, long used) {
}
