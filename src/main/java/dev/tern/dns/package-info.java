/**
 * DNS for mail: asynchronous lookups with a TTL cache ({@link dev.tern.dns.DnsResolver}, answers as
 * {@link dev.tern.dns.DnsAnswer}) and, on top of them, the choice of hosts for outbound delivery
 * ({@link dev.tern.dns.MxResolver} → {@link dev.tern.dns.MxResult}, {@link dev.tern.dns.MxHost}).
 * SPF, DKIM and DMARC will ask for TXT records through the same resolver, and PTR for client names.
 *
 * <p>Reading order: {@link dev.tern.dns.DnsAnswer} (the four outcomes) →
 * {@link dev.tern.dns.DnsResolver} (dnsjava's {@code LookupSession} over the configured nameservers)
 * → {@link dev.tern.dns.LookupFailures} (dnsjava's exceptions → answers) →
 * {@link dev.tern.dns.MxResolver} (RFC 5321 §5.1) → {@link dev.tern.dns.MxResult}.
 *
 * <p>Standards: RFC 1034/1035 (DNS; CNAME chains §3.6.2 of 1034), RFC 2181 (TTLs, answers
 * grouped in RRsets), RFC 2308 (negative caching), RFC 3596 (AAAA), RFC 6891 (EDNS0; queries
 * advertise 1280 bytes), RFC 7766 (TCP, used when an answer comes back truncated), RFC 5321 §5.1
 * (MX order, implicit MX), RFC 7505 (null MX), RFC 3463 (enhanced status codes of
 * {@link dev.tern.dns.MxResult.Failure}).
 *
 * <p>Invariants:
 * <ul>
 *   <li>Nothing here blocks: every lookup returns a future at once. Network waits happen in
 *       dnsjava's selector thread; answers are parsed and continuations run on two DNS threads
 *       (or on the caller's thread for an answer from the cache).</li>
 *   <li>Lookups never complete exceptionally. "Name does not exist" and "no records of this
 *       type" are answers, kept apart from failures to get any answer, which are always
 *       temporary: mail is deferred, never bounced, because a resolver was slow.</li>
 *   <li>Every lookup is bounded: a timeout per try, two tries per nameserver, at most
 *       {@value dev.tern.dns.DnsResolver#MAX_CNAME_CHAIN} CNAMEs, at most
 *       {@value dev.tern.dns.MxResolver#MAX_MX_HOSTS} MX hosts resolved per domain.</li>
 *   <li>Cached answers live for their TTL, at most a day; negative answers (NXDOMAIN, NODATA)
 *       for the SOA's negative TTL, at most 15 minutes. Failures are never cached.</li>
 * </ul>
 *
 * <p>Security notes:
 * <ul>
 *   <li>There is no DNSSEC validation here, and the AD bit is not looked at: answers are as
 *       trustworthy as the path to the configured resolver. Use one on this host or network.</li>
 *   <li>dnsjava sends each query from a fresh random port with a random ID and accepts only an
 *       answer whose ID and question match (RFC 5452); records that do not belong to the question
 *       or its CNAME chain are dropped before they reach the cache.</li>
 *   <li>Names in answers (MX exchanges, CNAME targets, PTR names) are data from the network: they
 *       are only ever looked up again, never used as file names or trusted as identities. A PTR
 *       name proves nothing until its forward lookup leads back to the address.</li>
 *   <li>The cache holds at most 50,000 names (dnsjava's default), so hostile answers cannot
 *       grow it without bound.</li>
 * </ul>
 */
package dev.tern.dns;
