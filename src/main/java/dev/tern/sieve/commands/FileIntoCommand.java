package dev.tern.sieve.commands;

import dev.tern.mailbox.Flags;
import org.apache.jsieve.Arguments;
import org.apache.jsieve.Block;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;

import java.util.Set;

/**
 * {@code fileinto [:copy] [:create] [:flags <list-of-flags>] <mailbox>} (RFC 5228 §4.1):
 * a copy in that mailbox. {@code :copy} keeps the implicit keep (RFC 3894); {@code :create}
 * (RFC 5490 §3.2) asks for the mailbox to be created when missing, which local delivery does for
 * every fileinto; {@code :flags} gives the copy's flags, which are otherwise those the internal
 * flag variable holds now (RFC 5232 §5). {@code :specialuse "\\Junk"} (RFC 8579) files into the
 * account's mailbox with that special use when it has one, whatever its name, and else into the
 * mailbox named. {@code :mailboxid "F12-3456"} (RFC 9042) files into the mailbox with that
 * MAILBOXID (RFC 8474) when there is one, whatever it is called now, and else into the mailbox
 * named; it comes before {@code :specialuse}.
 */
public final class FileIntoCommand extends ActionCommand {

    @Override
    protected Object executeBasic(MailAdapter mail, Arguments arguments, Block block, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Set.of(":flags", ":specialuse", ":mailboxid"),
                Set.of(":copy", ":create"), context);
        String mailbox = args.single(context);
        String byId = args.has(":mailboxid") && args.value(":mailboxid").size() == 1
                ? RunState.of(mail, context).mailboxById(args.value(":mailboxid").get(0)) : null;
        if (byId != null) {
            mailbox = byId;
        } else if (args.has(":specialuse")) {
            String attribute = SpecialUseExists.attribute(args.value(":specialuse"), context);
            String found = RunState.of(mail, context).specialUseMailbox(attribute);
            mailbox = found != null ? found : mailbox;
        }
        Flags flags = args.has(":flags") ? FlagStrings.parse(args.value(":flags"))
                : RunState.of(mail, context).flags();
        mail.addAction(new FileIntoAction(mailbox, flags));
        return null;
    }
}
