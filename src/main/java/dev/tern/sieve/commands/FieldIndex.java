package dev.tern.sieve.commands;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.exception.SieveException;

import java.util.List;

/**
 * The {@code :index <fieldno> [:last]} of the header, address and date tests (RFC 5260 §6): which
 * occurrence of a header field a test looks at, counting from 1 at the top, or with {@code :last}
 * from the bottom. A message with fewer occurrences gives the test nothing to match.
 *
 * @param position the occurrence, from 1
 * @param last     counted from the last field up
 */
record FieldIndex(int position, boolean last) {

    /** The tags' index, or null when the test has no {@code :index} (every occurrence counts). */
    static FieldIndex of(ParsedArguments args, SieveContext context) throws SieveException {
        if (!args.has(":index")) {
            if (args.has(":last")) {
                throw context.getCoordinate().syntaxException(":last needs :index");
            }
            return null;
        }
        List<String> value = args.value(":index");
        int position;
        try {
            position = value.size() == 1 ? Integer.parseInt(value.get(0)) : 0;
        } catch (NumberFormatException e) {
            position = 0;
        }
        if (position < 1) {
            throw context.getCoordinate().syntaxException(":index needs a field number from 1");
        }
        return new FieldIndex(position, args.has(":last"));
    }

    /** The chosen occurrence among a field's values in message order, none when there are fewer. */
    <T> List<T> select(List<T> values) {
        if (position > values.size()) {
            return List.of();
        }
        return List.of(values.get(last ? values.size() - position : position - 1));
    }
}
