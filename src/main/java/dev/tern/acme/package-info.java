/**
 * The server certificate from a certificate authority that speaks ACME (RFC 8555), such as Let's
 * Encrypt ({@code [acme]}, docs/adr/0034-acme-certificates.md).
 *
 * <p>{@link dev.tern.acme.AcmeCertificates} decides when a certificate is needed (none yet, one
 * that does not cover the configured names, or one that ends within {@code renew_before}), orders
 * it with {@link dev.tern.acme.CertificateOrder}, writes it to {@code data_dir/acme/} and has the
 * server's TLS context reload it. {@link dev.tern.acme.DomainNames} adds the HTTPS names of the
 * local domains whose DNS points at this server. {@link dev.tern.acme.AcmeChallenges} holds the answers to the
 * CA's http-01 challenges (RFC 8555 §8.3) while an order runs; the {@code autoconfig} listener
 * serves them at {@code /.well-known/acme-challenge/TOKEN}.
 *
 * <p>Invariants: the certificate in use is replaced only by a complete, newer one (files written
 * whole and renamed into place); a failed order keeps the certificate in use and is tried again
 * later; the account key and the certificate's key never leave the data directory and are readable
 * by their owner only.
 *
 * <p>Security notes: a challenge answer reveals nothing secret (it is the token and the account
 * key's thumbprint, RFC 8555 §8.1) and is served only while its order runs. The connection to the
 * CA is verified against the JDK's trust store (and {@code acme.ca_file}).
 */
package dev.tern.acme;
