package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.Block;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.commands.AbstractBodyCommand;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;

import java.util.Set;

/**
 * {@code addheader [:last] <field-name> <value>} (RFC 5293 §4): a new field at the top of the
 * header, or with {@code :last} at its bottom, which the tests after it see and the message is
 * filed or sent with. The value may hold any UTF-8 text; it is written as encoded words when it
 * must be, and folded. Not an action in RFC 5228's sense: the implicit keep stays.
 */
public final class AddHeaderCommand extends AbstractBodyCommand {

    @Override
    protected Object executeBasic(MailAdapter mail, Arguments arguments, Block block, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Set.of(), Set.of(":last"), context);
        if (args.strings().size() != 2 || args.strings().get(0).size() != 1 || args.strings().get(1).size() != 1) {
            throw context.getCoordinate().syntaxException("addheader takes a field name and a value");
        }
        try {
            RunState.of(mail, context).addHeader(args.strings().get(0).get(0), args.strings().get(1).get(0),
                    args.has(":last"));
        } catch (IllegalArgumentException e) {
            throw context.getCoordinate().commandException("addheader: " + e.getMessage());
        }
        return null;
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) {
        // parsed and checked by executeBasic, which needs them anyway
    }
}
