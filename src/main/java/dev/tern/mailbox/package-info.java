/**
 * The mailbox model shared by local delivery, IMAP, POP3 and the admin tools: mailboxes with
 * UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ (RFC 3501, RFC 7162), messages with UIDs, flags, internal
 * date and size. RFC 6154 special-use mailboxes are created with each account. It is the only way
 * into mail storage.
 */
package dev.tern.mailbox;
