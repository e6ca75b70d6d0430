package dev.tern.sieve.commands;

import org.apache.jsieve.Argument;
import org.apache.jsieve.Arguments;
import org.apache.jsieve.Block;
import org.apache.jsieve.CommandStateManager;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.TagArgument;
import org.apache.jsieve.commands.AbstractActionCommand;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;

/**
 * An action of Tern's own: like jSieve's, it cancels the implicit keep (RFC 5228 §2.10.2), unless
 * it carries {@code :copy} (RFC 3894 §3), which leaves the implicit keep as the commands before
 * it left it. Arguments are checked where the command runs ({@link #executeBasic}), once.
 */
abstract class ActionCommand extends AbstractActionCommand {

    @Override
    public Object execute(MailAdapter mail, Arguments arguments, Block block, SieveContext context)
            throws SieveException {
        CommandStateManager state = context.getCommandStateManager();
        boolean implicitKeep = state.isImplicitKeep();
        Object result = super.execute(mail, arguments, block, context);
        if (hasCopy(arguments)) {
            state.setImplicitKeep(implicitKeep);
        }
        return result;
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) {
        // parsed and checked by executeBasic, which needs them anyway
    }

    private static boolean hasCopy(Arguments arguments) {
        for (Argument a : arguments.getArgumentList()) {
            if (a instanceof TagArgument tag && tag.getTag().equalsIgnoreCase(":copy")) {
                return true;
            }
        }
        return false;
    }
}
