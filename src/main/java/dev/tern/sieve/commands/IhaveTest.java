package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.tests.AbstractTest;

import java.util.Locale;
import java.util.Set;

/**
 * The test {@code ihave <extensions>} (RFC 5463 §4): true when Tern has every extension named, so a
 * script can use one where it exists and do without it elsewhere.
 */
public final class IhaveTest extends AbstractTest {

    @Override
    protected boolean executeBasic(MailAdapter mail, Arguments arguments, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Set.of(), Set.of(), context);
        if (args.strings().size() != 1) {
            throw context.getCoordinate().syntaxException("expecting extension names");
        }
        return args.strings().get(0).stream().allMatch(e -> Extensions.SUPPORTED.contains(e.toLowerCase(Locale.ROOT)));
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) {
        // parsed and checked by executeBasic
    }
}
