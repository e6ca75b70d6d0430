/**
 * Domains, accounts and aliases, and the resolution of a recipient address to local accounts
 * (aliases, plus addressing, catch-all), Postfix virtual-domain style; and which sender addresses an
 * authenticated account may use ({@link dev.tern.directory.SenderPolicy}: own address, aliases
 * leading to it, send-as permissions).
 *
 * <p>Security: passwords are stored only as Argon2id hashes (PHC strings with their parameters);
 * lookups read the store each time, so an account disabled or deleted takes effect at once.
 */
package dev.tern.directory;
