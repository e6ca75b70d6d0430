package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.tests.AbstractTest;

/**
 * The test {@code string [MATCH-TYPE] [COMPARATOR] <source> <key-list>} (RFC 5229 §5): matches
 * the source strings, their references expanded, against the keys, as {@code header} matches
 * field values. With {@code :count}, an empty source counts 0 and any other 1.
 */
public final class StringTest extends AbstractTest {

    @Override
    protected boolean executeBasic(MailAdapter mail, Arguments arguments, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Comparison.VALUED, Comparison.BARE, context);
        Comparison comparison = Comparison.of(args, context);
        if (args.strings().size() != 2) {
            throw context.getCoordinate().syntaxException("expecting source strings and keys");
        }
        return comparison.test(args.strings().get(0), args.strings().get(1), RunState.of(mail, context).variables(),
                context);
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) throws SieveException {
        if (arguments.hasTests()) {
            throw context.getCoordinate().syntaxException("string takes no tests");
        }
    }
}
