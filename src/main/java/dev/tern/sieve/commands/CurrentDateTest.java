package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;

import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The test {@code currentdate [:zone <zone>] [COMPARATOR] [MATCH-TYPE] <date-part> <key-list>}
 * (RFC 5260 §5): a part of the date and time when the script runs, in the zone of {@code :zone}
 * or the server's; what a vacation reply limited to a period of dates asks.
 */
public final class CurrentDateTest extends DateTestBase {

    @Override
    protected boolean executeBasic(MailAdapter mail, Arguments arguments, SieveContext context)
            throws SieveException {
        return evaluate(mail, arguments, context, VALUED, Comparison.BARE, 2);
    }

    @Override
    MessageDate date(MailAdapter mail, ParsedArguments args, SieveContext context, ZoneId zone)
            throws SieveException {
        return in(ZonedDateTime.now(RunState.of(mail, context).clock()), zone);
    }
}
