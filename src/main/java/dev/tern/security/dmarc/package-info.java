/**
 * DMARC (RFC 7489) for received mail: the author domain of a message, its published policy, and
 * whether an SPF or DKIM pass is aligned with it.
 *
 * <p>{@link dev.tern.security.dmarc.DmarcVerifier#authorDomain} reads the RFC5322.From domain from
 * the header fields that {@link dev.tern.security.dkim.DkimVerifier} kept;
 * {@link dev.tern.security.dmarc.DmarcVerifier#evaluate} takes it with the SPF-passing domain and the
 * d= of the passing DKIM signatures and returns a {@link dev.tern.security.dmarc.DmarcOutcome}: the
 * result for Authentication-Results, the policy the domain requests, and the one to apply after
 * pct= sampling.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Only PASS results count: a DKIM signature with l= that leaves part of the body unsigned, or an
 *       expired one, is not a pass, so it cannot make a message pass DMARC.</li>
 *   <li>Organizational domains come from the Public Suffix List shipped with Guava; names under no
 *       listed suffix use the list's default rule (last two labels).</li>
 *   <li>DNS failures are TEMPERROR, never "no policy": a failure to look up must not let a message
 *       through as if the domain had no policy.</li>
 * </ul>
 *
 * <p>Security: the record is attacker-supplied text for mail from any domain; it is parsed leniently
 * but only four tags (p, sp, adkim/aspf, pct) affect what happens. No reports are sent (rua/ruf are
 * read only to decide the fallback of §6.6.3 step 6).
 */
package dev.tern.security.dmarc;
