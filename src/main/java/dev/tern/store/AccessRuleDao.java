package dev.tern.store;

import java.util.List;

/**
 * The operator's access rules for mail from other servers: client networks and sender addresses
 * or domains, each refused or spared checks. Few (an operator's list), so read whole.
 */
public interface AccessRuleDao {

    /** Every rule, ordered by pattern. */
    List<Rows.AccessRule> all();

    /** Adds a rule, or replaces the one of the same pattern. */
    void put(Rows.AccessRule rule);

    /** Removes the rule of a pattern; false when there was none. */
    boolean delete(String pattern);
}
