package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.comparators.ComparatorUtils;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.tests.AbstractTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The test {@code hasflag [:is|:contains|:matches] [:comparator <name>] <list-of-flags>}
 * (RFC 5232 §4): true when a flag of the internal flag variable matches one of the keys, by
 * default with {@code :is} and {@code i;ascii-casemap}. Each flag is matched alone; with
 * {@code :is} and {@code :contains} a key that holds several names separated by spaces is taken
 * as that many keys (as Pigeonhole does), with {@code :matches} as one pattern.
 */
public final class HasFlag extends AbstractTest {

    private static final Set<String> MATCH_TYPES = Set.of(":is", ":contains", ":matches");

    @Override
    protected boolean executeBasic(MailAdapter mail, Arguments arguments, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(arguments, Set.of(":comparator"), MATCH_TYPES, context);
        String matchType = args.tags().keySet().stream().filter(MATCH_TYPES::contains).findFirst().orElse(":is");
        String comparator = args.has(":comparator") && !args.value(":comparator").isEmpty()
                ? args.value(":comparator").get(0).toLowerCase(Locale.ROOT) : "i;ascii-casemap";
        List<String> keys = new ArrayList<>();
        for (String key : args.flagList(context)) {
            if (matchType.equals(":matches")) {
                keys.add(key);
            } else {
                for (String name : key.split(" ")) {
                    if (!name.isEmpty()) {
                        keys.add(name);
                    }
                }
            }
        }
        for (String flag : RunState.of(mail, context).flags().names()) {
            for (String key : keys) {
                if (ComparatorUtils.match(comparator, matchType, flag, key, context)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) {
        // parsed and checked by executeBasic, which needs them anyway
    }
}
