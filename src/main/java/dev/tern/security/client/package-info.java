/**
 * What can be checked of an SMTP client before it sends anything: its address's names in DNS
 * ({@link dev.tern.security.client.ReverseDns}, the "iprev" method of RFC 8601 §3, giving an
 * {@link dev.tern.security.client.IprevResult}) and the name it gives in HELO/EHLO
 * ({@link dev.tern.security.client.HeloCheck}, giving a {@link dev.tern.security.client.HeloVerdict}
 * with the reply for a refusal). Address literals are parsed and printed without DNS by
 * {@link dev.tern.mail.IpAddresses}.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Nothing blocks: DNS work returns futures from {@link dev.tern.dns.DnsResolver}; checks that
 *       need no DNS complete at once.</li>
 *   <li>Work per client is bounded: at most {@value dev.tern.security.client.ReverseDns#MAX_NAMES}
 *       forward lookups for iprev, one address lookup for a STRICT HELO check.</li>
 *   <li>Temporary DNS failures are never turned into permanent verdicts: TEMPERROR, 450 4.7.1.</li>
 * </ul>
 *
 * <p>Security notes: a PTR name is a claim of whoever controls the reverse zone; only
 * {@link dev.tern.security.client.IprevResult#confirmedName()} has been checked forward and may be
 * shown as the client's name. Client input echoed in a reply is cut to 64 printable ASCII characters.
 * Text that might be a host name is never passed to {@link java.net.InetAddress#getByName}, which
 * would look it up: literals are parsed by pattern first.
 *
 * <p>Standards: RFC 5321 §4.1.1.1, §4.1.3, §4.1.4 (HELO/EHLO, address literals, what a server may
 * not refuse for), RFC 1123 §5.2.5, RFC 6531 (internationalized names), RFC 8601 §3 (iprev),
 * RFC 5952 (IPv6 text), RFC 3463 (enhanced status codes).
 */
package dev.tern.security.client;
