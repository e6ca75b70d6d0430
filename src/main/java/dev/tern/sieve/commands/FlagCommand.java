package dev.tern.sieve.commands;

import dev.tern.mailbox.Flags;
import org.apache.jsieve.Arguments;
import org.apache.jsieve.Block;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.commands.AbstractBodyCommand;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;

import java.util.List;
import java.util.Set;

/**
 * {@code setflag}, {@code addflag} and {@code removeflag <list-of-flags>} (RFC 5232 §3): change
 * the internal flag variable, which later {@code keep} and {@code fileinto} commands, and the
 * implicit keep, give their copies. Not actions: they leave the implicit keep alone. With a
 * variable's name before the flags ({@code setflag "seen" "\\Seen"}, which needs
 * {@code variables}) they change that variable instead, which holds the flags as one string of
 * names separated by spaces, ready for {@code :flags "${seen}"} (RFC 5232 §3).
 */
abstract class FlagCommand extends AbstractBodyCommand {

    /** The variable's new flags from its current ones and those the command names. */
    abstract Flags apply(Flags current, Flags named);

    @Override
    protected Object executeBasic(MailAdapter mail, Arguments arguments, Block block, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Set.of(), Set.of(), context);
        Flags named = FlagStrings.parse(args.flagList(context));
        RunState state = RunState.of(mail, context);
        List<String> variable = args.flagVariables();
        if (variable == null) {
            state.setFlags(apply(state.flags(), named));
        } else {
            if (variable.size() != 1 || !state.variables().isEnabled()) {
                throw context.getCoordinate().syntaxException("expecting one variable name before the flags");
            }
            Variables variables = state.variables();
            Flags current = FlagStrings.parse(List.of(variables.get(variable.get(0))));
            variables.set(variable.get(0), String.join(" ", apply(current, named).names()));
        }
        return null;
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) {
        // parsed and checked by executeBasic, which needs them anyway
    }
}
