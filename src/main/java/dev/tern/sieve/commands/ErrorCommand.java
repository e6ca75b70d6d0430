package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.Block;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.commands.AbstractBodyCommand;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;

import java.util.Set;

/**
 * {@code error <message>} (RFC 5463 §5): ends the run as a failure with the script's message, so
 * the message is kept and the log says why, as for any script that fails.
 */
public final class ErrorCommand extends AbstractBodyCommand {

    @Override
    protected Object executeBasic(MailAdapter mail, Arguments arguments, Block block, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Set.of(), Set.of(), context);
        throw context.getCoordinate().commandException("error: " + args.single(context));
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) {
        // parsed by executeBasic
    }
}
