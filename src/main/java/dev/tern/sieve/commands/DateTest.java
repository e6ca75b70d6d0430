package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;

import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The test {@code date [:zone <zone> / :originalzone] [COMPARATOR] [MATCH-TYPE] <header-name>
 * <date-part> <key-list>} (RFC 5260 §4): a part of the date-time a header field holds, compared
 * with the keys. The first field of the name is read; for "received", the date-time is what
 * follows the last ";" of the first Received field, the most recent one (RFC 5260 §4,
 * RFC 5321 §4.4). The date is shown in the zone of {@code :zone}, in the field's own with
 * {@code :originalzone}, else in the server's (RFC 5260 §4.1.1). A missing field, or one without
 * a date-time that can be read, makes the test false.
 */
public final class DateTest extends DateTestBase {

    static final Set<String> BARE = Stream.concat(Comparison.BARE_INDEXED.stream(), Stream.of(":originalzone"))
            .collect(Collectors.toUnmodifiableSet());

    @Override
    protected boolean executeBasic(MailAdapter mail, Arguments arguments, SieveContext context)
            throws SieveException {
        return evaluate(mail, arguments, context, VALUED_INDEXED, BARE, 3);
    }

    @Override
    MessageDate date(MailAdapter mail, ParsedArguments args, SieveContext context, ZoneId zone)
            throws SieveException {
        if (args.has(":zone") && args.has(":originalzone")) {
            throw context.getCoordinate().syntaxException(":zone and :originalzone exclude each other");
        }
        String name = single(args.strings().get(0), "the header name", context);
        FieldIndex index = FieldIndex.of(args, context);
        // the first occurrence, or the one :index picks (RFC 5260 §6)
        List<String> values = index == null ? mail.getMatchingHeader(name) : index.select(mail.getMatchingHeader(name));
        if (values.isEmpty()) {
            return null;
        }
        String value = values.get(0);
        if (name.equalsIgnoreCase("received")) {
            int semicolon = value.lastIndexOf(';');
            if (semicolon < 0) {
                return null;
            }
            value = value.substring(semicolon + 1);
        }
        MessageDate date = MessageDate.parse(value);
        if (date == null || args.has(":originalzone")) {
            return date;
        }
        return in(date.time(), zone);
    }
}
