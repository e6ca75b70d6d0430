/**
 * Values every layer shares: addresses (RFC 5321 §4.1.2, RFC 6531 for UTF-8), envelopes with their
 * RFC 3461 DSN parameters, and {@link dev.tern.mail.MailException}, the one exception type for mail
 * errors, which carries the SMTP reply code, the RFC 3463 enhanced code and the component that
 * raised it. {@link dev.tern.mail.IpAddresses} parses and prints IP address literals without DNS;
 * {@link dev.tern.mail.IpNetwork} is a network of addresses (greylisting, rate-limit keys,
 * configured and special-purpose networks).
 *
 * <p>Security: address parsing rejects control characters and NUL, and bounds local parts (64
 * octets) and domains (255), so that nothing downstream sees unbounded or binary addresses, and
 * refuses internationalised domains that IDNA conversion would map onto another name. IP
 * literals are matched by pattern before {@link java.net.InetAddress#getByName} sees them, so no
 * text is ever looked up in DNS.
 */
package dev.tern.mail;
