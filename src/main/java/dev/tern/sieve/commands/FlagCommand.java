package dev.tern.sieve.commands;

import dev.tern.mailbox.Flags;
import org.apache.jsieve.Arguments;
import org.apache.jsieve.Block;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.commands.AbstractBodyCommand;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;

import java.util.Set;

/**
 * {@code setflag}, {@code addflag} and {@code removeflag <list-of-flags>} (RFC 5232 §3): change
 * the internal flag variable, which later {@code keep} and {@code fileinto} commands, and the
 * implicit keep, give their copies. Not actions: they leave the implicit keep alone. The form
 * with a variable name first needs the {@code variables} extension, which Tern does not have.
 */
abstract class FlagCommand extends AbstractBodyCommand {

    /** The variable's new flags from its current ones and those the command names. */
    abstract Flags apply(Flags current, Flags named);

    @Override
    protected Object executeBasic(MailAdapter mail, Arguments arguments, Block block, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(arguments, Set.of(), Set.of(), context);
        Flags named = FlagStrings.parse(args.flagList(context));
        RunState state = RunState.of(mail, context);
        state.setFlags(apply(state.flags(), named));
        return null;
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) {
        // parsed and checked by executeBasic, which needs them anyway
    }
}
