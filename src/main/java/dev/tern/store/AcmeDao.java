package dev.tern.store;

import java.time.Instant;
import java.util.Optional;

/**
 * The ACME certificate of the server, the answers to the CA's challenges while an order runs, and
 * the lock that lets one node at a time order: shared by every node of the store.
 */
public interface AcmeDao {

    /** The key of the account at the CA of this directory URL, PEM. */
    Optional<String> accountKey(String directory);

    /** Stores the account key unless one is stored for the directory: false when one was. */
    boolean putAccountKeyIfAbsent(String directory, String keyPem, Instant now);

    Optional<Rows.AcmeCertificate> certificate();

    /** Stores the certificate, replacing the one stored. */
    void putCertificate(Rows.AcmeCertificate certificate);

    void putChallenge(String token, String keyAuthorization, Instant expiresAt);

    /** The key authorization of a token whose challenge has not expired at {@code now}. */
    Optional<String> challenge(String token, Instant now);

    void deleteChallenge(String token);

    /** Deletes the challenges that expired before {@code now}; returns how many. */
    int purgeChallenges(Instant now);

    /** Takes the order lock for {@code owner} until {@code until}: false while another holds it. */
    boolean lockOrder(String owner, Instant until, Instant now);

    /** Gives the order lock up if {@code owner} holds it. */
    void unlockOrder(String owner);
}
