package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.tests.Exists;

/**
 * jSieve's {@code exists <header-names>} test (RFC 5228 §5.5), with the references in its strings expanded when it runs
 * (RFC 5229 §3), before jSieve reads them.
 */
public final class ExistsTest extends Exists {

    @Override
    public boolean execute(MailAdapter mail, Arguments arguments, SieveContext context) throws SieveException {
        return super.execute(mail, RunState.of(mail, context).variables().expand(arguments), context);
    }
}
