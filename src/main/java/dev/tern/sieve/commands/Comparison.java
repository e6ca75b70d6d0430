package dev.tern.sieve.commands;

import org.apache.jsieve.SieveContext;
import org.apache.jsieve.comparators.ComparatorUtils;
import org.apache.jsieve.exception.SieveException;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * How a test compares the values it takes from the message with its keys: the COMPARATOR and
 * MATCH-TYPE arguments of RFC 5228 §2.7, with the relational match types {@code :value} and
 * {@code :count} of RFC 5231. {@code :is} and {@code :contains} go to jSieve's comparators as
 * jSieve's own tests did, so scripts behave as before; {@code :matches} to {@link Wildcard}, which
 * cannot be made to backtrack; {@code :regex} (the regex extension) to {@link RegexMatch}, whose
 * backtracking is bounded; the relational ones use the
 * comparators' orderings ({@link Collation}). The default is {@code :is} with
 * {@code i;ascii-casemap} (RFC 5228 §2.7.1, §2.7.3). A test is true when any value and any key
 * satisfy the match (RFC 5228 §2.7.1, RFC 5231 §4).
 *
 * @param comparator the comparator's name, lower case
 * @param matchType  {@code :is}, {@code :contains}, {@code :matches}, {@code :regex}, {@code :value} or
 *                   {@code :count}
 * @param relation   the operator of {@code :value} or {@code :count}, else null
 */
record Comparison(String comparator, String matchType, Relation relation) {

    /** The tags of COMPARATOR and MATCH-TYPE that a string follows. */
    static final Set<String> VALUED = Set.of(":comparator", ":value", ":count");
    /** VALUED with the {@code :index} of the header, address and date tests (RFC 5260 §6). */
    static final Set<String> VALUED_INDEXED = Set.of(":comparator", ":value", ":count", ":index");
    /** BARE with the {@code :last} of {@code :index}. */
    static final Set<String> BARE_INDEXED = Set.of(":is", ":contains", ":matches", ":regex", ":last");
    /** The tags of MATCH-TYPE that stand alone. */
    static final Set<String> BARE = Set.of(":is", ":contains", ":matches", ":regex");

    /** Reads the comparator and match type from a test's tags. */
    static Comparison of(ParsedArguments args, SieveContext context) throws SieveException {
        String matchType = null;
        for (String tag : args.tags().keySet()) {
            if (BARE.contains(tag) || tag.equals(":value") || tag.equals(":count")) {
                if (matchType != null) {
                    throw context.getCoordinate().syntaxException("more than one match type");
                }
                matchType = tag;
            }
        }
        matchType = matchType == null ? ":is" : matchType;
        String comparator = "i;ascii-casemap";
        if (args.has(":comparator")) {
            if (args.value(":comparator").size() != 1) {
                throw context.getCoordinate().syntaxException("the tag :comparator needs one string");
            }
            comparator = args.value(":comparator").get(0).toLowerCase(Locale.ROOT);
        }
        Relation relation = null;
        if (matchType.equals(":value") || matchType.equals(":count")) {
            List<String> op = args.value(matchType);
            relation = op.size() == 1 ? Relation.of(op.get(0)) : null;
            if (relation == null) {
                throw context.getCoordinate().syntaxException("the tag " + matchType
                        + " needs one of \"gt\", \"ge\", \"lt\", \"le\", \"eq\", \"ne\"");
            }
            if (!Collation.known(comparator)) {
                throw context.getCoordinate().syntaxException("comparator '" + comparator + "' is not supported");
            }
        }
        return new Comparison(comparator, matchType, relation);
    }

    /** Whether :count: the number of values, not the values, is compared. */
    boolean counts() {
        return matchType.equals(":count");
    }

    /**
     * Whether any of the values matches any of the keys. A match by {@code :matches} or
     * {@code :regex} sets the match variables (RFC 5229 §3.2); a test that fails leaves them.
     */
    boolean test(List<String> values, List<String> keys, Variables variables, SieveContext context)
            throws SieveException {
        if (counts()) {
            // RFC 5231 §4.1: an empty string counts 0, any other 1; the count is a number, so it is
            // compared by i;ascii-numeric whatever comparator the test names
            String count = String.valueOf(values.stream().filter(v -> !v.isEmpty()).count());
            for (String key : keys) {
                if (relation.holds(Collation.compare("i;ascii-numeric", count, key))) {
                    return true;
                }
            }
            return false;
        }
        boolean casemap = comparator.equals("i;ascii-casemap");
        for (String value : values) {
            for (String key : keys) {
                if (matchType.equals(":regex")) {
                    List<String> groups = regex(value, key, casemap, context);
                    if (groups != null) {
                        variables.matched(groups);
                        return true;
                    }
                } else if (matchType.equals(":matches") && !comparator.equals("i;ascii-numeric")) {
                    if (!variables.isEnabled()) {
                        if (Wildcard.matches(value, key, casemap)) {
                            return true;
                        }
                    } else {
                        List<String> parts = Wildcard.capture(value, key, casemap);
                        if (parts != null) {
                            variables.matched(parts);
                            return true;
                        }
                    }
                } else if (relation != null ? relation.holds(Collation.compare(comparator, value, key))
                        : ComparatorUtils.match(comparator, matchType, value, key, context)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> regex(String value, String key, boolean casemap, SieveContext context)
            throws SieveException {
        try {
            return RegexMatch.capture(value, key, casemap);
        } catch (PatternSyntaxException e) {
            // a key whose variables made it no expression; a constant one was refused when stored
            throw context.getCoordinate().commandException("\"" + key + "\" is not a regular expression: "
                    + e.getDescription());
        }
    }
}
