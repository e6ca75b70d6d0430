/**
 * DANE for outbound SMTP (RFC 7672, RFC 7671): when a recipient domain's MX records and an MX
 * host's address records are DNSSEC-validated, the host's TLSA records
 * ({@code _25._tcp.<host>}, {@link dev.tern.delivery.dane.TlsaLookup}) say what certificate it
 * must present; delivery then requires STARTTLS and checks the certificate against them
 * ({@link dev.tern.delivery.dane.DaneVerifier}) instead of against the public CAs. Validation is
 * the recursive resolver's (its AD bit), as in Postfix. See {@code docs/delivery.md} and ADR 41.
 */
package dev.tern.delivery.dane;
