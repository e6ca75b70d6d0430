package dev.tern.store;

import java.time.Instant;
import java.util.Optional;

/** Recipient domains' MTA-STS policies as last fetched (RFC 8461 §5.1), until they expire. */
public interface MtaStsDao {

    Optional<Rows.MtaStsPolicy> policy(String domain);

    /** Inserts the domain's policy, or replaces the one stored. */
    void put(Rows.MtaStsPolicy policy);

    /** Deletes at most {@code limit} policies that expired before {@code now}; returns how many. */
    int purge(Instant now, int limit);
}
