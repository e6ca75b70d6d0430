package dev.tern.admin.auth;

import java.time.Instant;
import java.util.Set;

/**
 * Who made an admin API request, and what it may do.
 *
 * @param kind      how the caller proved who it is
 * @param name      the admin's name (session), or the token's name (token)
 * @param id        the session id (its hash) or the token id
 * @param scopes    what it may do
 * @param domains   the A-label domains it is limited to (a tenant); empty when not limited
 * @param csrfToken for a session: what its state-changing requests must send in {@code X-CSRF-Token}; else null
 * @param expiresAt when the session or token stops being accepted; null when never
 */
public record Principal(Kind kind, String name, String id, Set<Scope> scopes, Set<String> domains, String csrfToken,
                        Instant expiresAt) {

    /** How a caller authenticated. */
    public enum Kind {
        /** A console login: the session cookie. */
        SESSION,
        /** An API token in {@code Authorization: Bearer}. */
        TOKEN
    }

    public Principal {
        scopes = Set.copyOf(scopes);
        domains = Set.copyOf(domains);
    }

    /** True when one of its scopes covers {@code needed}. */
    public boolean has(Scope needed) {
        return scopes.stream().anyMatch(s -> s.covers(needed));
    }

    /** True when it is limited to some domains (a tenant's token). */
    public boolean restricted() {
        return !domains.isEmpty();
    }

    /** True when it may see and act on resources of the domain (an A-label, lower case). */
    public boolean mayUse(String asciiDomain) {
        return domains.isEmpty() || (asciiDomain != null && domains.contains(asciiDomain));
    }
}
