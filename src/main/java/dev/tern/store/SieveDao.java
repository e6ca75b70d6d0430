package dev.tern.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Accounts' Sieve scripts (RFC 5228), the vacation replies their scripts sent (RFC 5230) and the
 * message ids their duplicate tests have seen (RFC 7352). At
 * most one script of an account is active; the account row says whether one is, so that delivery
 * to an account without one reads nothing more.
 */
public interface SieveDao {

    /** The account's scripts, by name. */
    List<Rows.SieveScript> scripts(long accountId);

    Optional<Rows.SieveScript> script(long accountId, String name);

    /** The account's active script, if it has one. */
    Optional<Rows.SieveScript> active(long accountId);

    /** Stores a script, replacing the content of one of the same name (which stays active if it was). */
    void put(long accountId, String name, String content, Instant now);

    /** Renames a script; false when there is none of that name. The caller makes sure {@code to} is free. */
    boolean rename(long accountId, String from, String to, Instant now);

    /** Deletes a script (active or not: an active one leaves the account without filtering); false when there is none. */
    boolean delete(long accountId, String name);

    /** Makes this script the account's active one, or, with null, leaves none active; false when there is no such script. */
    boolean activate(long accountId, String name);

    /**
     * Records that a vacation reply goes to {@code sender} under {@code handle}, unless one went
     * that has not expired yet: true when the reply may go (and is now recorded until {@code expires}).
     */
    boolean claimVacationReply(long accountId, String sender, String handle, Instant now, Instant expires);

    /** Deletes at most {@code limit} vacation records expired before {@code now}; returns how many. */
    int purgeVacationReplies(Instant now, int limit);

    /** Whether the duplicate test has seen this key for the account and it has not expired at {@code now}. */
    boolean duplicateSeen(long accountId, String key, Instant now);

    /**
     * Records a key the duplicate test saw, until {@code expires}: a new one, one whose time was
     * over, or, with {@code last} (RFC 7352 §3.4), one still remembered, whose time starts again.
     */
    void trackDuplicate(long accountId, String key, Instant now, Instant expires, boolean last);

    /** Deletes at most {@code limit} duplicate records expired before {@code now}; returns how many. */
    int purgeDuplicates(Instant now, int limit);
}
