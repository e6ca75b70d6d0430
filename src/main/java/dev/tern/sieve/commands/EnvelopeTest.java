package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.mail.optional.EnvelopeAccessors;
import org.apache.jsieve.tests.AbstractTest;

import java.util.ArrayList;
import java.util.List;

/**
 * The test {@code envelope [ADDRESS-PART] [COMPARATOR] [MATCH-TYPE] <envelope-part> <key-list>}
 * (RFC 5228 §5.4), in place of jSieve's, to take the relational {@code :value} and
 * {@code :count} (RFC 5231 §4) too. The values are the envelope's addresses as SMTP gave them
 * ("from" is empty for the null reverse path); as jSieve did, the local part is what comes before
 * the first "@" and the domain what follows it.
 */
public final class EnvelopeTest extends AbstractTest {

    @Override
    protected boolean executeBasic(MailAdapter mail, Arguments arguments, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Comparison.VALUED, AddressTest.BARE, context);
        Comparison comparison = Comparison.of(args, context);
        AddressPart part = comparison.counts() ? AddressPart.ALL : AddressPart.of(args);
        if (args.strings().size() != 2) {
            throw context.getCoordinate().syntaxException("expecting envelope parts and keys");
        }
        if (!(mail instanceof EnvelopeAccessors envelope)) {
            throw context.getCoordinate().commandException("the message has no envelope");
        }
        String delimiter = RunState.of(mail, context).recipientDelimiter();
        List<String> values = new ArrayList<>();
        for (String name : args.strings().get(0)) {
            for (String address : envelope.getMatchingEnvelope(name)) {
                String value = part == AddressPart.ALL ? address : split(part, address, delimiter);
                if (value != null) {
                    values.add(value);
                }
            }
        }
        return comparison.test(values, AddressPart.of(args).keys(args.strings().get(1)),
                RunState.of(mail, context).variables(), context);
    }

    private static String split(AddressPart part, String address, String delimiter) {
        int at = address.indexOf('@');
        return at < 0 ? part.of(address, "", delimiter)
                : part.of(address.substring(0, at), address.substring(at + 1), delimiter);
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) throws SieveException {
        if (arguments.hasTests()) {
            throw context.getCoordinate().syntaxException("envelope takes no tests");
        }
    }
}
