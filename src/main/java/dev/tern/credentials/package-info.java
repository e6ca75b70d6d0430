/**
 * SMTP credentials for applications: a user name and a random secret that an application (a web
 * shop, a monitoring system) uses to submit mail on 587 or 465, instead of an account's password.
 *
 * <p>Kept apart from {@code directory}, which is about who receives mail: a credential has no
 * mailbox (IMAP and POP3 do not know it), sends only as the addresses and domains of its scope,
 * may have its own rate limit, is revoked rather than deleted, and counts its use. It reuses the
 * directory's secret forms ({@link dev.tern.directory.PasswordHasher},
 * {@link dev.tern.directory.ScramSecret}, {@link dev.tern.directory.CramMd5Secret}), so every SASL
 * mechanism works for it unchanged, and it answers the SASL lookup with the same
 * {@link dev.tern.directory.Credentials}, carrying its {@link dev.tern.mail.SenderScope}.
 *
 * <p>Invariants: the secret is stored only hashed or derived; a revoked credential fails like a
 * wrong password and is refused at MAIL in sessions that authenticated before; a refused MAIL
 * takes nothing from the rate. Security: names are address lookup keys that no account or alias
 * has; scopes name local domains only.
 */
package dev.tern.credentials;
