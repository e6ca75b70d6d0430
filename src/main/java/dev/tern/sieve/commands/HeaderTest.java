package dev.tern.sieve.commands;

import org.apache.james.mime4j.util.MimeUtil;
import org.apache.jsieve.Arguments;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.tests.AbstractTest;

import java.util.ArrayList;
import java.util.List;

/**
 * The test {@code header [COMPARATOR] [MATCH-TYPE] <header-names> <key-list>} (RFC 5228 §5.7),
 * in place of jSieve's, which knows only {@code :is}, {@code :contains} and {@code :matches}: this
 * one also takes the relational {@code :value} and {@code :count} (RFC 5231 §4), and {@code :index}
 * (RFC 5260 §6), which picks one occurrence of each field. The values are
 * the fields' values as the message adapter gives them (unfolded, encoded words decoded), and, as
 * jSieve did, {@code :contains} on a missing field looks in the empty string (not so an occurrence
 * {@code :index} names that the message does not have).
 */
public final class HeaderTest extends AbstractTest {

    @Override
    protected boolean executeBasic(MailAdapter mail, Arguments arguments, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Comparison.VALUED_INDEXED,
                Comparison.BARE_INDEXED, context);
        Comparison comparison = Comparison.of(args, context);
        FieldIndex index = FieldIndex.of(args, context);
        if (args.strings().size() != 2) {
            throw context.getCoordinate().syntaxException("expecting header names and keys");
        }
        List<String> values = new ArrayList<>();
        for (String name : args.strings().get(0)) {
            List<String> fields = mail.getMatchingHeader(name);
            for (String value : index == null ? fields : index.select(fields)) {
                values.add(MimeUtil.unscrambleHeaderValue(value));
            }
        }
        if (values.isEmpty() && comparison.matchType().equals(":contains") && index == null) {
            values.add("");
        }
        return comparison.test(values, args.strings().get(1), RunState.of(mail, context).variables(), context);
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) throws SieveException {
        if (arguments.hasTests()) {
            throw context.getCoordinate().syntaxException("header takes no tests");
        }
    }
}
