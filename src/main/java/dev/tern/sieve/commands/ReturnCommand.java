package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.Block;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.commands.AbstractControlCommand;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.exception.StopException;
import org.apache.jsieve.mail.MailAdapter;

/**
 * {@code return} (RFC 6609 §3.3): ends the script it is in, and the run goes on after the
 * {@code include} that ran it. In the main script it ends the run, as {@code stop} does: it is a
 * {@link StopException}, which jSieve's run ends on, and which {@link IncludeCommand} catches first.
 */
public final class ReturnCommand extends AbstractControlCommand {

    /** The signal, unwinding to the include that ran the script. */
    static final class Return extends StopException {
        Return() {
            super("return");
        }
    }

    @Override
    protected Object executeBasic(MailAdapter mail, Arguments arguments, Block block, SieveContext context)
            throws SieveException {
        throw new Return();
    }
}
