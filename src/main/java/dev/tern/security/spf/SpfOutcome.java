package dev.tern.security.spf;

/**
 * What an SPF check found, with what is needed to record it (RFC 8601 {@code spf=} with
 * {@code smtp.mailfrom} or {@code smtp.helo}) and to explain a rejection.
 *
 * @param result      the SPF result
 * @param identity    "mailfrom" or "helo": which identity was checked (RFC 7208 §2.3, §2.4)
 * @param domain      the domain whose policy was checked
 * @param sender      the checked address, e.g. "postmaster@helo.name" when MAIL FROM is empty
 * @param explanation the domain's own explanation (its {@code exp=} text, macros expanded) for a
 *                    fail, or null when there is none
 * @param reason      short human text: "matched ip4:192.0.2.0/24", "no SPF record",
 *                    "DNS lookup of example.org/TXT timed out", "too many DNS lookups (…)"
 */
public record SpfOutcome(SpfResult result, String identity, String domain, String sender, String explanation,
                         String reason) {
}
