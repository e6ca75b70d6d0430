package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.tests.AbstractTest;

import java.util.Set;

/**
 * The test {@code mailboxexists <mailbox-names>} (RFC 5490 §3.1): true when every named mailbox
 * exists for the account and can take mail; lets a script file into a mailbox only when the user
 * has made it, instead of creating it.
 */
public final class MailboxExists extends AbstractTest {

    @Override
    protected boolean executeBasic(MailAdapter mail, Arguments arguments, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Set.of(), Set.of(), context);
        if (args.strings().size() != 1) {
            throw context.getCoordinate().syntaxException("expecting a list of mailbox names");
        }
        RunState state = RunState.of(mail, context);
        for (String name : args.strings().get(0)) {
            if (!state.mailboxExists(name)) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) {
        // parsed and checked by executeBasic, which needs them anyway
    }
}
