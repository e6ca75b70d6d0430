/**
 * TLS for every listener: one {@link dev.tern.net.tls.ServerTls} per process builds the server's
 * {@link io.netty.handler.ssl.SslContext} from PEM files ({@link dev.tern.net.tls.PemCredentials})
 * or from a self-signed certificate kept in the data directory
 * ({@link dev.tern.net.tls.SelfSignedCredentials}), and hands a new
 * {@link io.netty.handler.ssl.SslHandler} to each connection that starts TLS, at once
 * ({@link dev.tern.net.tls.TlsMode#IMPLICIT}, RFC 8314) or after STARTTLS (RFC 3207, RFC 2595).
 *
 * <p>Invariants: only TLS 1.2 and 1.3 are offered (RFC 8996), with AEAD cipher suites and ECDHE
 * key exchange (RFC 9325); a renewed certificate is picked up without a restart, and a failed
 * reload keeps the certificate in use. The JDK's TLS implementation is used (docs/adr/0004-tls.md).
 *
 * <p>Security notes: the private key is kept in memory only; encrypted PEM keys are refused rather
 * than unlocked with a passphrase from the config; the self-signed key file is created readable by
 * its owner only. Protocols that upgrade with STARTTLS must throw away whatever the client sent
 * after the STARTTLS command in plaintext (CVE-2011-0411), which is the protocol's job.
 */
package dev.tern.net.tls;
