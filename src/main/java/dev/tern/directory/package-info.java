/**
 * Domains, accounts and aliases, and the resolution of a recipient address to local accounts
 * (aliases, plus addressing, catch-all), Postfix virtual-domain style; and which sender addresses an
 * authenticated account may use ({@link dev.tern.directory.SenderPolicy}: own address, aliases
 * leading to it, send-as permissions); and the DNS records each domain should publish
 * ({@link dev.tern.directory.DnsRecords}).
 *
 * <p>Security: a password is stored as an Argon2id hash (PHC string with its parameters) and as
 * SCRAM-SHA-256 keys (RFC 5802: salt, iteration count, StoredKey, ServerKey); only accounts where
 * an operator enabled CRAM-MD5 also keep its password-equivalent HMAC-MD5 states (RFC 2195). See
 * docs/adr/0003-stored-secrets.md. Lookups read the store each time, so an account disabled or
 * deleted takes effect at once.
 */
package dev.tern.directory;
