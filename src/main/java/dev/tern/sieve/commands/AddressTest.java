package dev.tern.sieve.commands;

import org.apache.jsieve.Arguments;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.tests.AbstractTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The test {@code address [ADDRESS-PART] [COMPARATOR] [MATCH-TYPE] <header-list> <key-list>}
 * (RFC 5228 §5.1), in place of jSieve's, to take the relational {@code :value} and
 * {@code :count} (RFC 5231 §4) too. Each mailbox address in the named fields is a value
 * (the members of a group each count); {@code :count} counts the addresses. {@code :index}
 * (RFC 5260 §6) takes the addresses of one occurrence of each field.
 */
public final class AddressTest extends AbstractTest {

    static final Set<String> BARE = Stream.concat(Comparison.BARE.stream(), AddressPart.TAGS.stream())
            .collect(Collectors.toUnmodifiableSet());
    /** BARE with {@code :last}, which only address, of the tests with address parts, takes (RFC 5260 §6). */
    private static final Set<String> BARE_INDEXED = Stream.concat(Comparison.BARE_INDEXED.stream(),
            AddressPart.TAGS.stream()).collect(Collectors.toUnmodifiableSet());

    @Override
    protected boolean executeBasic(MailAdapter mail, Arguments arguments, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Comparison.VALUED_INDEXED, BARE_INDEXED, context);
        Comparison comparison = Comparison.of(args, context);
        AddressPart part = AddressPart.of(args);
        FieldIndex index = FieldIndex.of(args, context);
        RunState state = RunState.of(mail, context);
        if (args.strings().size() != 2) {
            throw context.getCoordinate().syntaxException("expecting header names and keys");
        }
        String delimiter = state.recipientDelimiter();
        List<String> values = new ArrayList<>();
        for (String name : args.strings().get(0)) {
            List<MailAdapter.Address> addresses = new ArrayList<>();
            if (index == null) {
                addresses.addAll(List.of(mail.parseAddresses(name)));
            } else {
                for (String field : index.select(mail.getMatchingHeader(name))) {
                    addresses.addAll(state.addressesIn(field));
                }
            }
            for (MailAdapter.Address a : addresses) {
                // :count counts addresses, so it takes each whole, whose part may be empty
                String value = (comparison.counts() ? AddressPart.ALL : part).of(a.getLocalPart(), a.getDomain(),
                        delimiter);
                if (value != null) {
                    values.add(value);
                }
            }
        }
        return comparison.test(values, part.keys(args.strings().get(1)), RunState.of(mail, context).variables(),
                context);
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) throws SieveException {
        if (arguments.hasTests()) {
            throw context.getCoordinate().syntaxException("address takes no tests");
        }
    }
}
