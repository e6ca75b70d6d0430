package dev.tern.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The suppression list: addresses of other domains that outbound mail is not sent to. Keyed by
 * {@link dev.tern.mail.MailAddress#key()}; an entry whose {@code expiresAt} has passed counts as
 * absent until it is purged.
 */
public interface SuppressionDao {

    /** The entry for an address, unless there is none or it has expired by {@code now}. */
    Optional<Rows.Suppression> find(String address, Instant now);

    /** Adds an entry, or replaces the one of the same address. */
    void put(Rows.Suppression entry);

    /** Removes an address's entry; false when there was none. */
    boolean delete(String address);

    /** Removes every entry of a domain (A-label); returns how many. */
    int deleteDomain(String domain);

    /**
     * Entries not expired by {@code now}, ordered by address: of one domain or of all (null), after
     * the address {@code after} (null: from the start), at most {@code limit}.
     */
    List<Rows.Suppression> list(String domain, String after, int limit, Instant now);

    /** How many addresses are listed at {@code now} (expired entries not counted). */
    long count(Instant now);

    /** Forgets the entries that expired before {@code now}; returns how many. */
    int purgeExpired(Instant now);
}
