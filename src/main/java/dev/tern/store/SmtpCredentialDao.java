package dev.tern.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** SMTP credentials of applications. Names are address lookup keys. They go with their domain. */
public interface SmtpCredentialDao {

    /**
     * Stores a new credential; false when one with this name exists already. The domain name,
     * the usage and the revocation of {@code credential} are not stored (a new credential has none).
     */
    boolean insert(Rows.SmtpCredential credential);

    Optional<Rows.SmtpCredential> credential(String name);

    /** Credentials of one domain, or of all when {@code domainId} is null, ordered by name. */
    List<Rows.SmtpCredential> credentials(Long domainId);

    /** Marks a credential revoked; false when there is none of that name or it was revoked already. */
    boolean revoke(String name, Instant at);

    /** Adds messages to a credential's count and moves its last use forward (never back); false when there is none. */
    boolean addUsage(String name, long messages, Instant lastUsed);

    /** Credentials of a domain that are not revoked. */
    int countActive(long domainId);
}
