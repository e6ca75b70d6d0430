/**
 * Forwarding mail to addresses of other domains: alias targets outside the local domains and Sieve
 * redirects; the envelope sender is rewritten (SRS) so that the next hop's SPF check passes and
 * bounces find their way back.
 */
package dev.tern.forwarding;
