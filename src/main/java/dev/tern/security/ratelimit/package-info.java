/**
 * Rate limits per key: {@link dev.tern.security.ratelimit.RateLimiter} allows each key (a client
 * network, a user) so many events per window ({@link dev.tern.security.ratelimit.Rate}), as a token
 * bucket in GCRA form: one {@code long} per key, constant time, lock per segment.
 *
 * <p>Invariants: memory is bounded by the key cap (least recently used keys are evicted; idle keys
 * are dropped, which changes nothing since an idle key is a fresh key); a refused request takes no
 * permits; the count stays exact under concurrent callers. The limiter only counts: what to reply
 * (SMTP 421 or 450/451 4.7.x with the wait from {@code retryAfter}) is the caller's choice.
 *
 * <p>Security notes: keys come from clients, so they are what an attacker varies. Key IPv6 clients
 * by network ({@link dev.tern.mail.IpNetwork#around}, a /64), or one host with a /64
 * has 2^64 fresh keys; a flood of distinct keys evicts others' usage but cannot grow memory.
 */
package dev.tern.security.ratelimit;
