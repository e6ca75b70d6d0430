/**
 * Sieve mail filtering (RFC 5228) for local accounts: what decides, at final delivery, whether a
 * message is kept in INBOX, filed into another mailbox, redirected, rejected, discarded or
 * answered by a vacation reply (RFC 5230).
 *
 * <p>Apache jSieve parses and interprets the scripts; this package checks a script completely
 * before it is stored ({@link dev.tern.sieve.ScriptCheck}: every command, test, tag and
 * {@code require}, which jSieve leaves to the moment a branch runs), supplies the message to the
 * interpreter ({@link dev.tern.sieve.FilteredMessage}), and turns the actions it returns into a
 * {@link dev.tern.sieve.SieveOutcome} that local delivery carries out in its transaction. The
 * extensions jSieve lacks, {@code copy} (RFC 3894), {@code mailbox} (RFC 5490),
 * {@code imap4flags} (RFC 5232), {@code relational} (RFC 5231) and {@code date} (RFC 5260), are
 * commands and tests of Tern's own in jSieve's registry
 * ({@link dev.tern.sieve.commands}); the flags a script gives a copy travel in the outcome, and
 * the copy is filed with them.
 *
 * <p>editheader (RFC 5293): {@link dev.tern.sieve.FilteredMessage} keeps the header as versions
 * ({@code HeaderFields}), the tests read the current one, and each action that files or sends
 * the message takes the version of its moment; the outcome carries it as an
 * {@link dev.tern.sieve.EditedHeader}, from which delivery makes the copy (fields kept from the
 * message octet for octet, added ones encoded per RFC 2047 and folded). {@code Received} and
 * {@code Auto-Submitted} cannot be added or deleted (ignored, RFC 5293 §6); a run makes at most
 * {@link dev.tern.sieve.SieveEngine#MAX_HEADER_EDITS} edits; a failed run files the message as it came.
 *
 * <p>Invariants: a script that fails while it runs files the message into INBOX (RFC 5228
 * §2.10.6, implicit keep), so no message is lost to a filter's error; a vacation reply goes at most
 * once per sender and handle within its period, never to automatic mail, lists or the null sender
 * (RFC 5230 §4.5, RFC 3834); a redirect never sends a message back to an account it already
 * passed through (its Delivered-To fields), and a script redirects at most
 * {@link dev.tern.sieve.SieveEngine#MAX_REDIRECTS} times.
 *
 * <p>Security: scripts are the users' own and run with the rights of their account only: they
 * can file into that account's mailboxes and send mail whose envelope sender is the original
 * one (redirect) or the null sender (vacation). Script size and count per account are bounded
 * ({@link dev.tern.sieve.SieveScripts}).
 */
package dev.tern.sieve;
