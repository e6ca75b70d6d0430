/**
 * Writing an account's mail out as a Maildir that Dovecot reads as its own, for
 * {@code tern mailbox export} (docs/migration.md): Maildir++ folders, flags and keywords in the
 * file names with {@code dovecot-keywords}, UIDs and UIDVALIDITY in {@code dovecot-uidlist} (so that
 * IMAP clients keep their caches), subscriptions, and received dates as the files' times.
 * Reads the store through the mailbox layer only; writes nothing into it.
 */
package dev.tern.mailexport;
