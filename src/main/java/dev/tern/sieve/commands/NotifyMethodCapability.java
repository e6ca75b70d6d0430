package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.tests.AbstractTest;

import java.util.List;
import java.util.Locale;

/**
 * The test {@code notify_method_capability [COMPARATOR] [MATCH-TYPE] <uri> <capability> <keys>}
 * (RFC 5435 §5): the one capability defined, {@code online}, is {@code "maybe"} for mailto (RFC 5436
 * §2.1: whether the recipient reads mail now is not known); a URI that is no valid method, or
 * another capability, has no value, so the test is false.
 */
public final class NotifyMethodCapability extends AbstractTest {

    @Override
    protected boolean executeBasic(MailAdapter mail, Arguments arguments, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Comparison.VALUED, Comparison.BARE, context);
        Comparison comparison = Comparison.of(args, context);
        if (args.strings().size() != 3 || args.strings().get(0).size() != 1 || args.strings().get(1).size() != 1) {
            throw context.getCoordinate().syntaxException("expecting a URI, a capability and keys");
        }
        boolean online = args.strings().get(1).get(0).toLowerCase(Locale.ROOT).equals("online");
        List<String> values = online && MailtoUri.valid(args.strings().get(0).get(0)) ? List.of("maybe") : List.of();
        return comparison.test(values, args.strings().get(2), RunState.of(mail, context).variables(), context);
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) {
        // parsed and checked by executeBasic
    }
}
