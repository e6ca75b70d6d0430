/**
 * The client side of SASL (RFC 4422), for Tern's SMTP client and any other protocol client:
 * PLAIN (RFC 4616), LOGIN, CRAM-MD5 (RFC 2195), SCRAM-SHA-256 (RFC 5802, RFC 7677, with
 * SASLprep, RFC 4013) and GSSAPI (RFC 4752, Kerberos through the JDK). Mechanisms only compute
 * responses; the protocol carries them ({@link dev.tern.smtp.client.SmtpConnection#authenticate}).
 *
 * <p>Security notes: PLAIN and LOGIN reveal the password to anyone who can read the connection,
 * and CRAM-MD5 and SCRAM exchanges can be attacked offline, so callers send none of them over an
 * unencrypted connection except on loopback. SCRAM checks the server's signature and GSSAPI
 * requires mutual authentication: {@link dev.tern.auth.client.SaslClientMechanism#isComplete()}
 * stays false until the server has proved itself. Mechanisms wipe the password copies they hold
 * on {@code dispose()}.
 */
package dev.tern.auth.client;
