package dev.tern.sieve.commands;

import dev.tern.mailbox.Flags;
import org.apache.jsieve.Arguments;
import org.apache.jsieve.Block;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;

import java.util.Set;

/**
 * {@code keep [:flags <list-of-flags>]} (RFC 5228 §4.3, RFC 5232 §5): a copy in the default
 * mailbox, with the flags given, or else with those the internal flag variable holds now.
 */
public final class KeepCommand extends ActionCommand {

    @Override
    protected Object executeBasic(MailAdapter mail, Arguments arguments, Block block, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Set.of(":flags"), Set.of(), context);
        if (!args.strings().isEmpty()) {
            throw context.getCoordinate().syntaxException("keep takes no argument but :flags");
        }
        Flags flags = args.has(":flags") ? FlagStrings.parse(args.value(":flags"))
                : RunState.of(mail, context).flags();
        mail.addAction(new KeepAction(flags));
        return null;
    }
}
