/**
 * Greylisting (RFC 6647): {@link dev.tern.security.greylist.Greylist} defers mail with an unknown
 * (client network, sender, recipient) triplet, and accepts it when the sender retries after a
 * delay; its answer is a {@link dev.tern.security.greylist.GreylistVerdict} (pass, or defer with
 * 451 4.7.1 and the time to wait).
 *
 * <p>State lives in the metadata store ({@link dev.tern.store.GreylistDao}), shared by the nodes of
 * a cluster and kept across restarts, with a bounded cache of passed triplets and trusted networks
 * in front; {@link dev.tern.security.greylist.Greylist#purge()} deletes what has expired.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Never blocks the caller: store reads run on the storage executor, writes go through the
 *       store's asynchronous write.</li>
 *   <li>Never fails a check: a store failure passes the mail (logged), it does not defer it.</li>
 *   <li>Whitelisted mail leaves no trace in the store.</li>
 *   <li>State changes are decided inside the write transaction, so concurrent sessions agree.</li>
 * </ul>
 *
 * <p>Security notes: clients are grouped by network (IPv4 /24, IPv6 /64), since large senders
 * retry from other hosts of a pool, and an IPv6 sender could otherwise use a fresh address for
 * every attempt. Sender addresses are forgeable: sender whitelist entries let anyone through who
 * uses them, network entries are the safe kind. Stored senders and recipients are mail addresses
 * of third parties: they are kept only as long as the triplet lives (35 days idle by default).
 */
package dev.tern.security.greylist;
