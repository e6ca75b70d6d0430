package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.tests.AbstractTest;

import java.util.Set;

/** The test {@code valid_notify_method <uris>} (RFC 5435 §5): true when every URI is a method Tern can use. */
public final class ValidNotifyMethod extends AbstractTest {

    @Override
    protected boolean executeBasic(MailAdapter mail, Arguments arguments, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Set.of(), Set.of(), context);
        if (args.strings().size() != 1) {
            throw context.getCoordinate().syntaxException("expecting notification URIs");
        }
        return args.strings().get(0).stream().allMatch(MailtoUri::valid);
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) {
        // parsed and checked by executeBasic
    }
}
