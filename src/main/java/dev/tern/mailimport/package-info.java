/**
 * Importing mail from other servers' files into an account: a Maildir (Dovecot's and Courier's
 * Maildir++ layout, with its folders, flags and keywords) or an mbox file, for
 * {@code tern mailbox import} (docs/migration.md).
 */
package dev.tern.mailimport;
