package dev.tern.store;

import java.time.Instant;
import java.util.List;

/**
 * The operator's access rules for mail from other servers: client networks and sender addresses
 * or domains, each refused or spared checks. Few (an operator's list), so read whole.
 */
public interface AccessRuleDao {

    /** Every rule not expired by {@code now}, ordered by pattern. */
    List<Rows.AccessRule> all(Instant now);

    /** Adds a rule, or replaces the one of the same pattern. */
    void put(Rows.AccessRule rule);

    /** Removes the rule of a pattern; false when there was none. */
    boolean delete(String pattern);

    /** Forgets the rules that expired before {@code now}; returns how many. */
    int purgeExpired(Instant now);
}
