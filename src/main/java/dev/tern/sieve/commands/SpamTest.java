package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.tests.AbstractTest;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The test {@code spamtest [:percent] [COMPARATOR] [MATCH-TYPE] <value>} (RFC 5235): matches the
 * content scan's verdict on the message as a number, typically with
 * {@code :value "ge" :comparator "i;ascii-numeric"}. Without {@code :percent}: "0" when the message
 * was not scanned, else "1" (surely not spam) to "10" (at or past the scanner's threshold for
 * refusing); with {@code :percent} (spamtestplus): "0" to "100", and no value at all when not
 * scanned (so {@code :count "eq" "0"} tells, RFC 5235 §3.2). The verdict is the one Tern itself
 * added when it received the message ({@link RunState#spamLevel()}), never a field a sender wrote.
 */
public final class SpamTest extends AbstractTest {

    private static final Set<String> BARE = Stream.concat(Comparison.BARE.stream(), Stream.of(":percent"))
            .collect(Collectors.toUnmodifiableSet());

    @Override
    protected boolean executeBasic(MailAdapter mail, Arguments arguments, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Comparison.VALUED, BARE, context);
        Comparison comparison = Comparison.of(args, context);
        if (args.strings().size() != 1) {
            throw context.getCoordinate().syntaxException("expecting the values to compare with");
        }
        RunState state = RunState.of(mail, context);
        Double level = state.spamLevel();
        List<String> values;
        if (args.has(":percent")) {
            values = level == null ? List.of() : List.of(String.valueOf(Math.round(100 * level)));
        } else {
            values = List.of(level == null ? "0" : String.valueOf(1 + Math.round(9 * level)));
        }
        return comparison.test(values, args.strings().get(0), state.variables(), context);
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) throws SieveException {
        if (arguments.hasTests()) {
            throw context.getCoordinate().syntaxException("spamtest takes no tests");
        }
    }
}
