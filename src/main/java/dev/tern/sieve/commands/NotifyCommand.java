package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.Block;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.commands.AbstractBodyCommand;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;

import java.util.List;
import java.util.Set;

/**
 * {@code notify [:from "addr"] [:importance "1"|"2"|"3"] [:options [...]] [:message "text"] <method>}
 * (RFC 5435 §3): asks for a notification of the message, by the one method Tern has, {@code mailto:}
 * (RFC 5436): a short mail to the URI's addresses. Not an action that files: the implicit keep
 * stays. A method that is no valid mailto URI is a runtime error (RFC 5435 §3.8).
 */
public final class NotifyCommand extends AbstractBodyCommand {

    @Override
    protected Object executeBasic(MailAdapter mail, Arguments arguments, Block block, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments,
                Set.of(":from", ":importance", ":options", ":message"), Set.of(), context);
        String method = args.single(context);
        try {
            MailtoUri.parse(method);
        } catch (IllegalArgumentException e) {
            throw context.getCoordinate().commandException("notify: \"" + method + "\": " + e.getMessage());
        }
        String importance = args.has(":importance") ? one(args.value(":importance")) : "2";
        if (!List.of("1", "2", "3").contains(importance)) {
            throw context.getCoordinate().commandException("notify: :importance is \"1\", \"2\" or \"3\"");
        }
        mail.addAction(new NotifyAction(method, args.has(":from") ? one(args.value(":from")) : null, importance,
                args.has(":message") ? one(args.value(":message")) : null));
        return null;
    }

    private static String one(List<String> values) {
        return values.isEmpty() ? "" : values.get(0);
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) {
        // parsed and checked by executeBasic, which needs them anyway
    }
}
