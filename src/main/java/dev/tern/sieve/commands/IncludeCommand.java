package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.Block;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.SieveParserVisitorImpl;
import org.apache.jsieve.commands.AbstractBodyCommand;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;

import java.util.Set;

/**
 * {@code include [:personal | :global] [:once] [:optional] <name>} (RFC 6609 §3.2): runs another
 * script, the account's own ({@code :personal}, the default) or one the operator provides
 * ({@code :global}), at this point of the run, as if its commands stood here: its actions count
 * with the others, a {@code stop} in it ends the whole run, a {@code return} ends it only. It has
 * its own variables, but for those declared {@code global}. {@code :once} skips a script that ran
 * already; {@code :optional} skips one that does not exist, which is otherwise an error.
 */
public final class IncludeCommand extends AbstractBodyCommand {

    @Override
    protected Object executeBasic(MailAdapter mail, Arguments arguments, Block block, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Set.of(),
                Set.of(":personal", ":global", ":once", ":optional"), context);
        String name = args.single(context);
        boolean global = args.has(":global");
        RunState state = RunState.of(mail, context);
        Includes includes = state.includes();
        if (args.has(":once") && includes.ran(Includes.key(global, name))) {
            return null;
        }
        Includes.Script script = includes.enter(global, name);
        if (script == null) {
            if (args.has(":optional")) {
                return null;
            }
            throw context.getCoordinate().commandException("include: there is no " + (global ? "global" : "personal")
                    + " script \"" + name + "\"");
        }
        Variables outer = state.variables();
        state.useVariables(outer.forIncluded(script.variables()));
        try {
            // jSieve's visitor runs a script as it visits it, here in the run's own context
            script.start().jjtAccept(new SieveParserVisitorImpl(context), mail);
        } catch (ReturnCommand.Return done) {
            // the included script returned: the run goes on here
        } finally {
            state.useVariables(outer);
            includes.leave();
        }
        return null;
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) {
        // parsed and checked by executeBasic, which needs them anyway
    }
}
