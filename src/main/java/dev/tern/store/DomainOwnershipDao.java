package dev.tern.store;

import java.time.Instant;
import java.util.Optional;

/** The ownership tokens of the local domains and when each was verified. They go with their domain. */
public interface DomainOwnershipDao {

    Optional<Rows.DomainOwnership> ownership(long domainId);

    /** The ownership of the domain with this name (lookup key); empty for an unknown domain or one without a token. */
    Optional<Rows.DomainOwnership> ownership(String domainName);

    /** Stores a domain's token; false when the domain has one already (which stays). */
    boolean insert(long domainId, String token, Instant createdAt);

    /** Records that the token was found in DNS, unless it was before; false when nothing changed. */
    boolean markVerified(long domainId, Instant at);
}
