package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.tests.AbstractTest;

import java.util.ArrayList;
import java.util.List;

/**
 * The test {@code hasflag [MATCH-TYPE] [COMPARATOR] <list-of-flags>} (RFC 5232 §4): true when a
 * flag of the internal flag variable matches one of the keys, by default with {@code :is} and
 * {@code i;ascii-casemap}. Each flag is matched alone; with {@code :is} and {@code :contains} a
 * key that holds several names separated by spaces is taken as that many keys (as Pigeonhole
 * does), with {@code :matches} and the relational match types as one. {@code :count} counts the
 * flags the variable holds (RFC 5232 §4, RFC 5231 §4.1).
 */
public final class HasFlag extends AbstractTest {

    @Override
    protected boolean executeBasic(MailAdapter mail, Arguments arguments, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(arguments, Comparison.VALUED, Comparison.BARE, context);
        Comparison comparison = Comparison.of(args, context);
        List<String> keys = new ArrayList<>();
        for (String key : args.flagList(context)) {
            if (!comparison.matchType().equals(":is") && !comparison.matchType().equals(":contains")) {
                keys.add(key);
            } else {
                for (String name : key.split(" ")) {
                    if (!name.isEmpty()) {
                        keys.add(name);
                    }
                }
            }
        }
        return comparison.test(RunState.of(mail, context).flags().names(), keys, context);
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) {
        // parsed and checked by executeBasic, which needs them anyway
    }
}
