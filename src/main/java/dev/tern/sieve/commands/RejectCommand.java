package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.Block;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.commands.optional.Reject;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;

/**
 * jSieve's {@code reject <reason>} (RFC 5429 §2.2), with the references in its strings expanded when it runs
 * (RFC 5229 §3), before jSieve reads them.
 */
public final class RejectCommand extends Reject {

    @Override
    public Object execute(MailAdapter mail, Arguments arguments, Block block, SieveContext context)
            throws SieveException {
        return super.execute(mail, RunState.of(mail, context).variables().expand(arguments), block, context);
    }
}
