package dev.tern.security.dkim;

import java.util.Map;
import java.util.Objects;

/**
 * What a {@link DkimVerifier} found about one {@code DKIM-Signature:} field: the status, what the
 * signature says about itself (as far as it could be read), and why.
 *
 * @param status    the result
 * @param domain    the signing domain ({@code d=}), or null when the signature has none or could not be read
 * @param selector  the selector ({@code s=}), or null likewise
 * @param identity  the agent or user identifier ({@code i=}), or null when the signature has none
 * @param algorithm the signature algorithm as written ({@code a=}), or null
 * @param headerB   the first 8 characters of the signature ({@code b=}), to tell signatures apart in
 *                  {@code header.b} of an Authentication-Results field (RFC 6008), or null
 * @param reason    a short text for people and logs: "signature verified", "body hash did not verify",
 *                  "no key for sel._domainkey.example.org", …
 */
public record DkimResult(DkimStatus status, String domain, String selector, String identity, String algorithm,
                         String headerB, String reason) {

    static final int HEADER_B_LENGTH = 8;

    public DkimResult {
        Objects.requireNonNull(status);
        Objects.requireNonNull(reason);
    }

    /** Whether this signature counts for the signing domain (a PASS, nothing less). */
    public boolean passed() {
        return status == DkimStatus.PASS;
    }

    /** A result that describes a signature by its tags as far as they could be read. */
    static DkimResult of(DkimStatus status, Map<String, String> tags, String reason) {
        String b = tags.get("b");
        String headerB = null;
        if (b != null) {
            String compact = TagList.withoutWhitespace(b);
            headerB = compact.substring(0, Math.min(HEADER_B_LENGTH, compact.length()));
        }
        String domain = tags.get("d");
        return new DkimResult(status, domain == null ? null : HeaderField.lowerAscii(domain), tags.get("s"),
                tags.get("i"), tags.get("a"), headerB, reason);
    }
}
