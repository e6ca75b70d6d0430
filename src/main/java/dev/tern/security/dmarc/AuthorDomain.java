package dev.tern.security.dmarc;

/**
 * The domain of the RFC5322.From address that DMARC evaluates (RFC 7489 §6.6.1), or why a message
 * has none that can be used. Exactly one of the two is set.
 *
 * @param domain  the author domain in lower-case A-labels, without a final dot; null when there is none
 * @param problem why there is none ("no From field", "several From fields", "From has no address",
 *                "From has addresses in several domains", "From address has no domain", …); null
 *                when there is a domain
 */
public record AuthorDomain(String domain, String problem) {

    public AuthorDomain {
        if ((domain == null) == (problem == null)) {
            throw new IllegalArgumentException("an author domain has either a domain or a problem");
        }
    }

    static AuthorDomain of(String domain) {
        return new AuthorDomain(domain, null);
    }

    static AuthorDomain none(String problem) {
        return new AuthorDomain(null, problem);
    }

    /** Whether there is a domain to evaluate. */
    public boolean found() {
        return domain != null;
    }
}
