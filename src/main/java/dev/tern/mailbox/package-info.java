/**
 * The mailbox model shared by local delivery, IMAP, POP3 and the admin tools, and the only way into
 * mail storage: mailboxes with UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ (RFC 3501, RFC 7162), their
 * hierarchy ({@code /}) and subscriptions; messages with UIDs, flags, internal date, size and
 * MODSEQ; expunged UIDs kept with their MODSEQ; copy and move sharing content (RFC 4315, RFC 6851);
 * RFC 6154 special-use mailboxes created with each account.
 *
 * <p>{@link dev.tern.mailbox.MailboxService} is the entry point; it hands out the
 * {@link dev.tern.mailbox.MessageService}, the {@link dev.tern.mailbox.MailboxEvents} and the
 * {@link dev.tern.mailbox.MaildropLocks}. Invariants and choices: docs/adr/0010-mailbox-layer.md.
 */
package dev.tern.mailbox;
