/**
 * MTA-STS (RFC 8461) for outbound mail: the recipient domain's {@code _mta-sts} TXT record, its
 * policy fetched over HTTPS ({@code PolicyFetcher}) and parsed ({@link dev.tern.delivery.mtasts.StsPolicy}),
 * cached for its {@code max_age} ({@link dev.tern.delivery.mtasts.MtaStsPolicies}). Remote delivery
 * applies an {@code enforce} policy: only the MX hosts it names, over TLS with a verified
 * certificate. See {@code docs/delivery.md} and ADR 32.
 */
package dev.tern.delivery.mtasts;
