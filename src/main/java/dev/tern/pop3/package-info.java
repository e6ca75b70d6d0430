/**
 * The POP3 server: RFC 1939 (commands, AUTHORIZATION → TRANSACTION → UPDATE), RFC 2449 (CAPA,
 * response codes such as [IN-USE]), RFC 5034 (SASL AUTH), RFC 2595 (STLS), RFC 3206 ([AUTH],
 * [SYS/TEMP]), RFC 8314 (pop3s, implicit TLS).
 *
 * <p>Layout: {@link dev.tern.pop3.Pop3CommandParser} is pure (bytes → commands);
 * {@code Pop3Session} is the state machine; {@code Pop3SessionHandler} does framing, streaming
 * and TLS over Netty; {@link dev.tern.pop3.Pop3Server} binds a listener. Messages come from the
 * account's INBOX through {@link dev.tern.mailbox.MailboxService} only.
 *
 * <p>Invariants: deletions reach the store only in the UPDATE state (after QUIT), in one
 * transaction; a dropped connection or a server shutdown deletes nothing. One session per maildrop
 * at a time ({@link dev.tern.mailbox.MaildropLocks}). UIDL ids are {@code UIDVALIDITY-UID}.
 *
 * <p>Security: passwords (USER/PASS, AUTH PLAIN …) only over TLS unless
 * {@code [pop3] allow_plaintext_auth}; failed logins are throttled by the same
 * {@link dev.tern.auth.SaslAuthenticator} as SMTP's; no internal detail ever goes to the client.
 */
package dev.tern.pop3;
