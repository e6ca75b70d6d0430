package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.tests.AbstractTest;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the {@code date} and {@code currentdate} tests share (RFC 5260 §4, §5): their tags
 * ({@code :zone}, COMPARATOR, MATCH-TYPE with the relational ones), the zone a date is shown in,
 * and the comparison of one date-part with the keys. "Now" and the server's zone come from the
 * run's clock ({@link RunState#clock()}), so one run sees one instant throughout (RFC 5260 §5).
 */
abstract class DateTestBase extends AbstractTest {

    static final Set<String> VALUED = Stream.concat(Comparison.VALUED.stream(), Stream.of(":zone"))
            .collect(Collectors.toUnmodifiableSet());
    /** VALUED with the date test's {@code :index} (RFC 5260 §6). */
    static final Set<String> VALUED_INDEXED = Stream.concat(VALUED.stream(), Stream.of(":index"))
            .collect(Collectors.toUnmodifiableSet());

    /**
     * Reads the tags and the positional arguments and compares.
     *
     * @param valued     the tags a value follows
     * @param bare       the tags nothing follows
     * @param positional how many string lists the test takes, the key list last
     */
    boolean evaluate(MailAdapter mail, Arguments arguments, SieveContext context, Set<String> valued, Set<String> bare,
            int positional) throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, valued, bare, context);
        Comparison comparison = Comparison.of(args, context);
        if (args.strings().size() != positional) {
            throw context.getCoordinate().syntaxException("expecting " + positional + " arguments");
        }
        String partName = single(args.strings().get(positional - 2), "date-part", context);
        DatePart part = DatePart.of(partName);
        if (part == null) {
            throw context.getCoordinate().syntaxException("unknown date-part '" + partName + "'");
        }
        ZoneId zone = RunState.of(mail, context).clock().getZone();
        if (args.has(":zone")) {
            zone = DatePart.zone(single(args.value(":zone"), ":zone", context));
            if (zone == null) {
                throw context.getCoordinate().syntaxException("the tag :zone needs a zone such as \"+0100\"");
            }
        }
        MessageDate date = date(mail, args, context, zone);
        if (date == null) {
            return false;
        }
        return comparison.test(List.of(part.of(date.time(), date.unknownZone())),
                args.strings().get(positional - 1), RunState.of(mail, context).variables(), context);
    }

    /**
     * The date-time the test looks at, in the zone it is to be shown in, or null when there is none.
     *
     * @param zone the zone of {@code :zone}, or the server's
     */
    abstract MessageDate date(MailAdapter mail, ParsedArguments args, SieveContext context, ZoneId zone)
            throws SieveException;

    static String single(List<String> list, String what, SieveContext context) throws SieveException {
        if (list.size() != 1) {
            throw context.getCoordinate().syntaxException(what + " must be one string");
        }
        return list.get(0);
    }

    /** A date-time shown in a zone: a real offset, not unknown any more. */
    static MessageDate in(ZonedDateTime time, ZoneId zone) {
        return new MessageDate(time.withZoneSameInstant(zone), false);
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) throws SieveException {
        if (arguments.hasTests()) {
            throw context.getCoordinate().syntaxException("a date test takes no tests");
        }
    }
}
