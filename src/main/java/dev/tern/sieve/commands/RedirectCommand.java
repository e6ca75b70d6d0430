package dev.tern.sieve.commands;

import dev.tern.mail.MailAddress;
import org.apache.jsieve.Arguments;
import org.apache.jsieve.Block;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.ActionRedirect;
import org.apache.jsieve.mail.MailAdapter;

import java.util.Set;

/**
 * {@code redirect [:copy] <address>} (RFC 5228 §4.2): sends the message on; with {@code :copy}
 * (RFC 3894) the implicit keep stays, so the user keeps a copy too.
 */
public final class RedirectCommand extends ActionCommand {

    @Override
    protected Object executeBasic(MailAdapter mail, Arguments arguments, Block block, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Set.of(), Set.of(":copy"), context);
        String address = args.single(context);
        try {
            MailAddress.parse(address);   // a constant one was checked when stored; this one may be expanded
        } catch (IllegalArgumentException e) {
            throw context.getCoordinate().commandException("redirect to '" + address + "': not an address");
        }
        mail.addAction(new ActionRedirect(address));
        return null;
    }
}
