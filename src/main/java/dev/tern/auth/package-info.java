/**
 * SASL authentication (RFC 4422), shared by SMTP (RFC 4954), IMAP and POP3: the mechanisms, which
 * of them a connection is offered, and brute-force throttling.
 *
 * <p>Reading order: {@link dev.tern.auth.SaslAuthenticator} (what protocols call) →
 * {@link dev.tern.auth.Authenticator} (offers and starts) → {@link dev.tern.auth.GuardedExchange}
 * (throttling and the log line) → one {@link dev.tern.auth.SaslExchange} per mechanism:
 * {@link dev.tern.auth.GssapiExchange} (RFC 4752), {@link dev.tern.auth.ScramSha256Exchange}
 * (RFC 5802, RFC 7677), {@link dev.tern.auth.CramMd5Exchange} (RFC 2195),
 * {@link dev.tern.auth.PlainExchange} (RFC 4616), {@link dev.tern.auth.LoginExchange}
 * (draft-murchison-sasl-login).
 *
 * <p>Invariants:
 * <ul>
 *   <li>Exchanges are pure state machines: decoded responses in, challenges and outcomes out. Their
 *       only I/O is the credential lookup (and, for GSSAPI, the JDK's reading of the keytab).
 *       Base64, {@code *} cancellation, reply codes and failure delays belong to the protocol.</li>
 *   <li>The authenticated identity is an account's address or, on SMTP only, the name of an SMTP
 *       credential of an application, which carries its sender scope
 *       ({@link dev.tern.auth.AuthenticatedUser#senderScope()}); an authorization identity
 *       other than the authenticated one is refused (no proxy logins).</li>
 *   <li>Every outcome gives one log line on logger {@code dev.tern.auth}
 *       ({@code auth failed: client=… user=… mechanism=… protocol=… reason=…}, {@code auth ok: …}).</li>
 * </ul>
 *
 * <p>Security notes: password mechanisms are offered only over TLS (or to loopback clients when
 * configured). An unknown account, a disabled one, a wrong password and an account without the
 * secret a mechanism needs all look the same to the client (SMTP 535 5.7.8), and PLAIN/LOGIN spend
 * the same Argon2id work on unknown names. Failures delay the reply and lock out client addresses
 * and accounts for a while ({@link dev.tern.auth.AuthThrottle}). A repeated successful PLAIN/LOGIN
 * is spared the Argon2id hash by a cache that holds an HMAC of the password and the stored hash it
 * matched, never the password (docs/adr/0020-password-verification-cache.md). Secrets at rest:
 * docs/adr/0003-stored-secrets.md.
 */
package dev.tern.auth;
