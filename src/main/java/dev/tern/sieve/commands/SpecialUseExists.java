package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.tests.AbstractTest;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The test {@code specialuse_exists [<mailbox>] <special-use-attrs>} (RFC 8579 §3): without a
 * mailbox, true when the account has a mailbox for each of the special uses; with one, true when
 * that mailbox has each of them (a Tern mailbox has at most one).
 */
public final class SpecialUseExists extends AbstractTest {

    /** A special-use attribute: a backslash and an atom (RFC 6154 §2). */
    private static final Pattern ATTRIBUTE = Pattern.compile("\\\\[^\\x00-\\x20\\x7f(){%*\"\\\\\\]]+");

    /** Whether the text can be a special-use attribute. */
    public static boolean isAttribute(String text) {
        return ATTRIBUTE.matcher(text).matches();
    }

    /** The one special-use attribute of {@code :specialuse}, checked. */
    static String attribute(List<String> value, SieveContext context) throws SieveException {
        if (value.size() != 1 || !isAttribute(value.get(0))) {
            throw context.getCoordinate().commandException(":specialuse needs a special-use attribute such as "
                    + "\"\\\\Junk\", not " + value);
        }
        return value.get(0);
    }

    @Override
    protected boolean executeBasic(MailAdapter mail, Arguments arguments, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Set.of(), Set.of(), context);
        if (args.strings().isEmpty() || args.strings().size() > 2
                || args.strings().size() == 2 && args.strings().get(0).size() != 1) {
            throw context.getCoordinate().syntaxException("expecting an optional mailbox and special-use attributes");
        }
        RunState state = RunState.of(mail, context);
        String mailbox = args.strings().size() == 2 ? args.strings().get(0).get(0) : null;
        for (String attribute : args.strings().get(args.strings().size() - 1)) {
            if (!isAttribute(attribute)) {
                throw context.getCoordinate().commandException("\"" + attribute + "\" is not a special-use attribute");
            }
            boolean present = mailbox == null ? state.specialUseMailbox(attribute) != null
                    : state.hasSpecialUse(mailbox, attribute);
            if (!present) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) throws SieveException {
        if (arguments.hasTests()) {
            throw context.getCoordinate().syntaxException("specialuse_exists takes no tests");
        }
    }
}
