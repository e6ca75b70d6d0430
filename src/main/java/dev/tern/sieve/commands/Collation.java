package dev.tern.sieve.commands;

import java.math.BigInteger;
import java.util.Locale;

/**
 * The orderings of the comparators Tern offers (RFC 4790 §9), which the relational match types
 * need and jSieve's comparators (equality, substring and pattern only) do not provide.
 *
 * <ul>
 *   <li>{@code i;octet} (§9.3): the octets of the UTF-8 strings, unsigned, in order; comparing
 *       code points gives the same order.</li>
 *   <li>{@code i;ascii-casemap} (§9.2): the same after mapping a-z to A-Z, and nothing else.</li>
 *   <li>{@code i;ascii-numeric} (§9.1): the leading run of digits as a decimal number of any
 *       size; a string that does not begin with a digit is positive infinity, equal to any other
 *       such string and greater than every number.</li>
 * </ul>
 */
final class Collation {

    private Collation() {
    }

    /** Whether this comparator has an ordering here. */
    static boolean known(String comparator) {
        return switch (comparator.toLowerCase(Locale.ROOT)) {
            case "i;octet", "i;ascii-casemap", "i;ascii-numeric" -> true;
            default -> false;
        };
    }

    /** Negative, zero or positive as {@code a} sorts before, with or after {@code b}. */
    static int compare(String comparator, String a, String b) {
        return switch (comparator.toLowerCase(Locale.ROOT)) {
            case "i;octet" -> octets(a, b);
            case "i;ascii-numeric" -> numeric(a, b);
            default -> octets(upperAscii(a), upperAscii(b));
        };
    }

    private static int octets(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    private static String upperAscii(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c >= 'a' && c <= 'z' ? (char) (c - 32) : c);
        }
        return out.toString();
    }

    private static int numeric(String a, String b) {
        BigInteger x = leadingNumber(a);
        BigInteger y = leadingNumber(b);
        if (x == null || y == null) {
            return x == null ? (y == null ? 0 : 1) : -1;
        }
        return x.compareTo(y);
    }

    /** The number the leading digits spell, or null for positive infinity. */
    private static BigInteger leadingNumber(String s) {
        int end = 0;
        while (end < s.length() && s.charAt(end) >= '0' && s.charAt(end) <= '9') {
            end++;
        }
        return end == 0 ? null : new BigInteger(s.substring(0, end));
    }
}
