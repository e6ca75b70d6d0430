package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.tests.AbstractTest;

import java.util.List;
import java.util.Locale;

/**
 * The test {@code environment [COMPARATOR] [MATCH-TYPE] <name> <key-list>} (RFC 5183): matches an
 * item of the environment the script runs in ({@link RunState#environment(String)}): {@code domain},
 * {@code host}, {@code location} ("MDA": at final delivery), {@code name} ("Tern"), {@code phase}
 * ("during"), {@code remote-host}, {@code remote-ip}. An item Tern does not know makes the test false
 * (§4).
 */
public final class EnvironmentTest extends AbstractTest {

    @Override
    protected boolean executeBasic(MailAdapter mail, Arguments arguments, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Comparison.VALUED, Comparison.BARE, context);
        Comparison comparison = Comparison.of(args, context);
        if (args.strings().size() != 2 || args.strings().get(0).size() != 1) {
            throw context.getCoordinate().syntaxException("expecting an item name and keys");
        }
        RunState state = RunState.of(mail, context);
        String value = state.environment(args.strings().get(0).get(0).toLowerCase(Locale.ROOT));
        if (value == null) {
            return false;
        }
        return comparison.test(List.of(value), args.strings().get(1), state.variables(), context);
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) throws SieveException {
        if (arguments.hasTests()) {
            throw context.getCoordinate().syntaxException("environment takes no tests");
        }
    }
}
