package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.tests.AbstractTest;

import java.util.Set;

/**
 * The test {@code mailboxidexists <mailbox-ids>} (RFC 9042 §4): true when the account has a
 * mailbox that takes mail for each MAILBOXID (RFC 8474) named, as IMAP's STATUS and SELECT show
 * them.
 */
public final class MailboxIdExists extends AbstractTest {

    @Override
    protected boolean executeBasic(MailAdapter mail, Arguments arguments, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Set.of(), Set.of(), context);
        if (args.strings().size() != 1) {
            throw context.getCoordinate().syntaxException("expecting a list of mailbox ids");
        }
        RunState state = RunState.of(mail, context);
        for (String id : args.strings().get(0)) {
            if (state.mailboxById(id) == null) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) throws SieveException {
        if (arguments.hasTests()) {
            throw context.getCoordinate().syntaxException("mailboxidexists takes no tests");
        }
    }
}
