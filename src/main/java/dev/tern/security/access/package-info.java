/**
 * The operator's access rules for mail from other servers, as Postfix's {@code access(5)} tables
 * are used: {@link dev.tern.security.access.AccessRule} is one rule (a client network, a sender
 * address or domain, or a recipient address or domain; reject or allow), {@link dev.tern.security.access.AccessList} keeps
 * them in the metadata store and decides from a copy in memory.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Decisions never block: they read an immutable snapshot, reloaded on the storage executor
 *       at most once a second, so a change through the command line, the admin API or another node
 *       takes effect within about a second without a restart.</li>
 *   <li>The most specific rule wins: a longer network prefix over a shorter one, an address over
 *       its domain, a subdomain over its parent.</li>
 *   <li>A store failure while reloading keeps the last snapshot (logged).</li>
 * </ul>
 *
 * <p>Security notes: a sender address is what the client claims, so a sender rule that allows
 * spares only greylisting; only a client network, which cannot be forged over TCP, spares the
 * block lists and the rate limits. Rules never apply to authenticated users.
 */
package dev.tern.security.access;
