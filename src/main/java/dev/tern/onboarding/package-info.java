/**
 * Domain onboarding: what a domain's owner publishes in DNS so that its mail comes here, leaves
 * trusted, and mail clients set themselves up; and the check of it in live DNS.
 *
 * <p>{@link dev.tern.onboarding.DomainOnboarding} adds a domain (DKIM keys, ownership token), lists
 * its records (from {@link dev.tern.directory.DnsRecords}, the one place that knows them) and
 * verifies them with {@link dev.tern.onboarding.RecordChecker}, which reports per record
 * found / missing / different / error. {@link dev.tern.onboarding.DomainOwnership} keeps each
 * domain's token and when it was first seen in DNS; {@code [submission] require_verified_domain}
 * uses it.
 *
 * <p>Invariants: a DNS timeout or SERVFAIL is an error, never "missing"; verification, once
 * recorded, stays. Security: the token is 160 random bits; only whoever controls the domain's zone
 * can publish it. Checks ask the nameservers afresh (no cache), so a record just published is seen.
 *
 * <p>Standards: RFC 1035 (zone-file syntax), RFC 7208 (SPF), RFC 6376 (DKIM key records),
 * RFC 7489 (DMARC), RFC 6186 and RFC 8314 §5.1 (SRV records for mail clients).
 */
package dev.tern.onboarding;
