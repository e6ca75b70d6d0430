package dev.tern.sieve.commands;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code :regex} match type of the Sieve regex extension (draft-ietf-sieve-regex-01, as
 * Dovecot's Pigeonhole and Cyrus implement it): a key is an extended regular expression (POSIX
 * ERE; its bracket classes such as {@code [[:digit:]]} are read), and a value matches when the
 * expression matches some part of it ({@code ^} and {@code $} anchor). {@code i;ascii-casemap}
 * folds ASCII letters, {@code i;octet} compares exactly.
 *
 * <p>Security: Java's engine backtracks, so a key such as {@code (a+)+$} against a long header
 * could take a storage thread for hours. Each match may read the value's characters at most
 * {@link #MAX_STEPS} times; past that it is taken as no match.
 */
public final class RegexMatch {

    /** Character reads one match may make: about a hundred passes over a 10,000-character value. */
    static final int MAX_STEPS = 1_000_000;

    private static final Map<String, String> POSIX_CLASSES = Map.ofEntries(
            Map.entry("alpha", "\\p{Alpha}"), Map.entry("digit", "\\p{Digit}"), Map.entry("alnum", "\\p{Alnum}"),
            Map.entry("upper", "\\p{Upper}"), Map.entry("lower", "\\p{Lower}"), Map.entry("space", "\\s"),
            Map.entry("punct", "\\p{Punct}"), Map.entry("xdigit", "\\p{XDigit}"), Map.entry("blank", "\\p{Blank}"),
            Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("graph", "\\p{Graph}"), Map.entry("print", "\\p{Print}"));
    private static final Pattern POSIX_CLASS = Pattern.compile("\\[:([a-z]+):]");

    private RegexMatch() {
    }

    /**
     * The key as a Java pattern.
     *
     * @throws PatternSyntaxException when it is no regular expression, or names an unknown class
     */
    public static Pattern compile(String key, boolean asciiCaseInsensitive) {
        Matcher m = POSIX_CLASS.matcher(key);
        StringBuilder java = new StringBuilder();
        while (m.find()) {
            String replacement = POSIX_CLASSES.get(m.group(1));
            if (replacement == null) {
                throw new PatternSyntaxException("unknown character class [:" + m.group(1) + ":]", key, m.start());
            }
            m.appendReplacement(java, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(java);
        return Pattern.compile(java.toString(), asciiCaseInsensitive ? Pattern.CASE_INSENSITIVE : 0);
    }

    /**
     * What a match leaves in the match variables, or null when the key does not match (or the
     * match took too long): the part of the value the expression matched, then each group's
     * part, "" for a group that took no part (as Pigeonhole gives them).
     *
     * @throws PatternSyntaxException when the key, its variables expanded, is no regular expression
     */
    static List<String> capture(String value, String key, boolean asciiCaseInsensitive) {
        try {
            Matcher m = compile(key, asciiCaseInsensitive).matcher(new Bounded(value));
            if (!m.find()) {
                return null;
            }
            List<String> out = new ArrayList<>(m.groupCount() + 1);
            for (int g = 0; g <= m.groupCount(); g++) {
                out.add(m.start(g) < 0 ? "" : value.substring(m.start(g), m.end(g)));
            }
            return out;
        } catch (TooLong e) {
            return null;
        }
    }

    /** The value, counting the characters the engine reads. */
    private static final class Bounded implements CharSequence {
        private final String text;
        private int steps;

        Bounded(String text) {
            this.text = text;
        }

        @Override
        public char charAt(int index) {
            if (++steps > MAX_STEPS) {
                throw new TooLong();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static final class TooLong extends RuntimeException {
        TooLong() {
            super(null, null, false, false);
        }
    }
}
