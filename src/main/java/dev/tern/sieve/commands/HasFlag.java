package dev.tern.sieve.commands;

import dev.tern.mailbox.Flags;
import org.apache.jsieve.Arguments;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.tests.AbstractTest;

import java.util.ArrayList;
import java.util.List;

/**
 * The test {@code hasflag [MATCH-TYPE] [COMPARATOR] [<variable-list>] <list-of-flags>} (RFC 5232
 * §4): true when a flag of the internal flag variable, or of the named variables (which needs
 * {@code variables}), matches one of the keys, by default with {@code :is} and
 * {@code i;ascii-casemap}. Each flag is matched alone; with {@code :is} and {@code :contains} a
 * key that holds several names separated by spaces is taken as that many keys (as Pigeonhole
 * does), with {@code :matches} and the relational match types as one. {@code :count} counts the
 * flags the variable holds (RFC 5232 §4, RFC 5231 §4.1).
 */
public final class HasFlag extends AbstractTest {

    @Override
    protected boolean executeBasic(MailAdapter mail, Arguments arguments, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Comparison.VALUED, Comparison.BARE, context);
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
        RunState state = RunState.of(mail, context);
        List<String> variables = args.flagVariables();
        Flags flags = state.flags();
        if (variables != null) {
            if (!state.variables().isEnabled()) {
                throw context.getCoordinate().syntaxException("a variable list needs require \"variables\"");
            }
            List<String> values = new ArrayList<>();
            for (String name : variables) {
                values.add(state.variables().get(name));
            }
            flags = FlagStrings.parse(values);
        }
        return comparison.test(flags.names(), keys, state.variables(), context);
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) {
        // parsed and checked by executeBasic, which needs them anyway
    }
}
