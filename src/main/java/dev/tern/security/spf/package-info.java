/**
 * SPF verification of inbound mail (RFC 7208): may this client send mail for the MAIL FROM domain,
 * or for its HELO name when the reverse path is empty?
 *
 * <p>{@link dev.tern.security.spf.SpfVerifier} is the entry point: {@code check(ip, helo, mailFrom)}
 * picks the identity (§2.3, §2.4), {@code checkHost(ip, domain, sender, helo)} is check_host()
 * itself. Both return a future of {@link dev.tern.security.spf.SpfOutcome}: a
 * {@link dev.tern.security.spf.SpfResult}, the checked identity and domain, the domain's
 * explanation of a fail, and a short reason for logs and headers.
 *
 * <p>Reading order: {@link dev.tern.security.spf.SpfVerifier} (identities, §4.3 domain checks) →
 * {@link dev.tern.security.spf.Evaluation} (one check_host() run: record lookup and selection,
 * mechanisms, include, redirect, exp, the limits) → {@link dev.tern.security.spf.RecordParser}
 * (grammar, into {@link dev.tern.security.spf.SpfRecord} and
 * {@link dev.tern.security.spf.Mechanism}) → {@link dev.tern.security.spf.MacroString} (macros, §7)
 * → {@link dev.tern.security.spf.IpAddresses} and {@link dev.tern.security.spf.DomainNames}.
 *
 * <p>Standards: RFC 7208 (SPF); RFC 8601 §2.7.2 for the result keywords; RFC 7505 (a null MX has no
 * host to match); RFC 4291 §2.2 and RFC 5952 (IPv6 text forms); RFC 3986 (URL escaping of
 * upper-case macros).
 *
 * <p>Invariants:
 * <ul>
 *   <li>Nothing blocks. DNS answers arrive as futures from {@link dev.tern.dns.DnsResolver} and
 *       the evaluation continues in their callbacks; the work done there is parsing and comparing,
 *       never I/O.</li>
 *   <li>Only TXT records are asked for SPF records; the SPF RR type (99) is never queried (§3.1).</li>
 *   <li>A record is parsed whole before it is evaluated, so a syntax error anywhere is PERMERROR.</li>
 *   <li>Per check: at most 10 mechanisms and modifiers that query DNS (include, a, mx, ptr,
 *       exists, redirect), at most 2 lookups that find nothing, at most 10 MX hosts per mx
 *       (more is PERMERROR) and 10 PTR names per ptr or %{p} (the rest are ignored); at most 20
 *       seconds in all (then TEMPERROR). The exp= lookup is not counted.</li>
 *   <li>A DNS failure (timeout, SERVFAIL) is TEMPERROR, never a result that could reject mail for
 *       good; "no such name" and "no such record" are answers. A failed exp= lookup only loses the
 *       explanation.</li>
 *   <li>IPv4-mapped IPv6 client addresses are treated as IPv4 (§5).</li>
 * </ul>
 *
 * <p>Security notes:
 * <ul>
 *   <li>The limits above exist because an SPF record makes the receiver send DNS queries the
 *       record's author chooses (§11.1): without them one message could make us query hundreds
 *       of names, possibly at a victim's DNS servers.</li>
 *   <li>Names made by macros contain text from the sender (local-part, HELO name): they are turned
 *       into DNS names label by label, never parsed as zone-file text, and only ever looked up.</li>
 *   <li>The explanation is text chosen by the sender's domain. It is only given back for a fail,
 *       only if it is printable ASCII, and callers must still treat it as untrusted when putting it
 *       in an SMTP reply.</li>
 *   <li>A PTR name counts only once its forward lookup leads back to the client's address.</li>
 * </ul>
 */
package dev.tern.security.spf;
