package dev.tern.sieve.commands;

import org.apache.james.mime4j.util.MimeUtil;
import org.apache.jsieve.Arguments;
import org.apache.jsieve.Block;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.commands.AbstractBodyCommand;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code deleteheader [:index <n> [:last]] [COMPARATOR] [MATCH-TYPE] <field-name> [<value-patterns>]}
 * (RFC 5293 §5): removes the occurrences of a field, all of them, or those whose value (as the
 * header test reads it) matches a pattern; with {@code :index} only the n-th occurrence, counted
 * from the top or with {@code :last} from the bottom, and only if it matches. A match here sets
 * no match variables: it is no test.
 */
public final class DeleteHeaderCommand extends AbstractBodyCommand {

    @Override
    protected Object executeBasic(MailAdapter mail, Arguments arguments, Block block, SieveContext context)
            throws SieveException {
        ParsedArguments args = ParsedArguments.parse(mail, arguments, Comparison.VALUED_INDEXED,
                Comparison.BARE_INDEXED, context);
        Comparison comparison = Comparison.of(args, context);
        FieldIndex index = FieldIndex.of(args, context);
        if (args.strings().isEmpty() || args.strings().size() > 2 || args.strings().get(0).size() != 1) {
            throw context.getCoordinate().syntaxException("deleteheader takes a field name and value patterns");
        }
        if (comparison.counts()) {
            throw context.getCoordinate().syntaxException("deleteheader cannot match with :count");
        }
        String name = args.strings().get(0).get(0);
        List<String> patterns = args.strings().size() == 2 ? args.strings().get(1) : null;
        List<String> values = mail.getMatchingHeader(name);
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            candidates.add(i);
        }
        if (index != null) {
            candidates = index.select(candidates);
        }
        Set<Integer> doomed = new HashSet<>();
        for (int position : candidates) {
            if (patterns == null || comparison.test(List.of(MimeUtil.unscrambleHeaderValue(values.get(position))),
                    patterns, Variables.DISABLED, context)) {
                doomed.add(position);
            }
        }
        try {
            RunState.of(mail, context).deleteHeader(name, doomed);
        } catch (IllegalArgumentException e) {
            throw context.getCoordinate().commandException("deleteheader: " + e.getMessage());
        }
        return null;
    }

    @Override
    protected void validateArguments(Arguments arguments, SieveContext context) {
        // parsed and checked by executeBasic, which needs them anyway
    }
}
