package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.Block;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.commands.AbstractBodyCommand;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code set [MODIFIER] <name> <value>} (RFC 5229 §4): stores the value, its references expanded,
 * in a variable. The modifiers change it first, in their order of precedence whatever order they
 * are written in: {@code :lower} or {@code :upper}, then {@code :lowerfirst} or
 * {@code :upperfirst}, then {@code :quotewildcard} (a backslash before each {@code *}, {@code ?}
 * and backslash, so the value matches itself under {@code :matches}), then {@code :encodeurl}
 * (with enotify: percent-encoded for a URI, RFC 5435 §6), then {@code :length} (the
 * number of characters). Case changes touch every letter, not only ASCII, as Pigeonhole's do.
 * Not an action: the implicit keep stays.
 */
public final class SetCommand extends AbstractBodyCommand {

    /** The modifiers, highest precedence first (RFC 5229 §4.1). */
    public static final List<String> MODIFIERS = List.of(":lower", ":upper", ":lowerfirst", ":upperfirst",
            ":quotewildcard", ":encodeurl", ":length");

    @Override
    protected Object executeBasic(MailAdapter mail, Arguments arguments, Block block, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Set.of(), Set.copyOf(MODIFIERS), context);
        if (args.strings().size() != 2 || args.strings().get(0).size() != 1 || args.strings().get(1).size() != 1) {
            throw context.getCoordinate().syntaxException("set takes a variable name and a value");
        }
        Variables variables = RunState.of(mail, context).variables();
        if (!variables.isEnabled()) {
            throw context.getCoordinate().syntaxException("set needs require \"variables\"");
        }
        String value = args.strings().get(1).get(0);
        if (args.has(":lower")) {
            value = value.toLowerCase(Locale.ROOT);
        } else if (args.has(":upper")) {
            value = value.toUpperCase(Locale.ROOT);
        }
        if (!value.isEmpty() && (args.has(":lowerfirst") || args.has(":upperfirst"))) {
            int first = value.offsetByCodePoints(0, 1);
            String head = value.substring(0, first);
            value = (args.has(":lowerfirst") ? head.toLowerCase(Locale.ROOT) : head.toUpperCase(Locale.ROOT))
                    + value.substring(first);
        }
        if (args.has(":quotewildcard")) {
            value = value.replaceAll("([*?\\\\])", "\\\\$1");
        }
        if (args.has(":encodeurl")) {
            value = MailtoUri.encode(value);   // enotify's modifier, precedence 15 (RFC 5435 §6)
        }
        if (args.has(":length")) {
            value = String.valueOf(value.codePointCount(0, value.length()));
        }
        variables.set(args.strings().get(0).get(0), value);
        return null;
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) {
        // parsed and checked by executeBasic, which needs them anyway
    }
}
