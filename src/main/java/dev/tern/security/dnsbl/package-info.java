/**
 * DNS block and allow lists for SMTP clients (RFC 5782): {@link dev.tern.security.dnsbl.DnsblChecker}
 * asks the configured lists about a client address and answers a
 * {@link dev.tern.security.dnsbl.DnsblVerdict}: allowed, listed (with the list's codes and reason,
 * and the text of a 554 5.7.1 reply), clean, or unknown (a list did not answer).
 *
 * <p>Invariants:
 * <ul>
 *   <li>Nothing blocks: lookups go through {@link dev.tern.dns.DnsResolver}, every list at once;
 *       a check takes about one lookup's time (two with allow lists: they are asked first, and a
 *       client on one is not looked up in the block lists).</li>
 *   <li>Only answers in 127.0.0.0/8 are listings, and not the error codes of 127.255.255.0/24
 *       (nor 127.0.0.255 from an allow list): a misconfigured resolver must not turn into
 *       refusing, or allowing, everyone. Such answers are logged as warnings.</li>
 *   <li>Loopback, private and link-local addresses are never looked up.</li>
 * </ul>
 *
 * <p>Security notes: the TXT reason of a list goes into our SMTP reply, so it is cut to 200
 * printable ASCII characters. Lists see every client address we ask about; public lists often
 * refuse queries through public resolvers (that is what 127.255.255.254 says), so a resolver of
 * our own is needed. No DNS answer is cached here beyond the resolver's TTL cache.
 */
package dev.tern.security.dnsbl;
