package dev.tern.sieve.commands;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code :matches} match type (RFC 5228 §2.7.1): {@code *} matches any run of characters,
 * {@code ?} exactly one, and a backslash makes the next character literal. Matched by walking the
 * pattern once with one remembered {@code *}, which takes at most value length × pattern length
 * steps. jSieve turns a pattern into a Java regular expression, which backtracks: a pattern of a
 * few dozen {@code *a} against a long header took seconds to hours of a storage thread.
 */
final class Wildcard {

    /** Token values outside the range of {@code char}: the two wildcards. */
    private static final int STAR = -1;
    private static final int ANY = -2;

    private Wildcard() {
    }

    /**
     * Whether {@code value} matches {@code pattern}, comparing characters exactly or, with
     * {@code asciiCaseInsensitive}, folding ASCII letters (i;ascii-casemap, RFC 4790 §9.2).
     */
    static boolean matches(String value, String pattern, boolean asciiCaseInsensitive) {
        return match(value, pattern, asciiCaseInsensitive, false) != null;
    }

    /**
     * What a match leaves in the match variables (RFC 5229 §3.2), or null when the value does not
     * match: the whole value, then what each wildcard took, in the pattern's order. Each
     * {@code *} takes as little as it can, as RFC 5229's examples have it ({@code "[*] *"} on
     * {@code "[acme-users] [fwd] version 1.0 is out"} gives {@code "acme-users"} and
     * {@code "[fwd] version 1.0 is out"}).
     */
    static List<String> capture(String value, String pattern, boolean asciiCaseInsensitive) {
        return match(value, pattern, asciiCaseInsensitive, true);
    }

    private static List<String> match(String value, String pattern, boolean asciiCaseInsensitive, boolean capture) {
        // The pattern as tokens: a literal character, or a wildcard (escapes resolved once).
        int[] tokens = new int[pattern.length()];
        int count = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                tokens[count++] = pattern.charAt(++i);
            } else if (c == '*') {
                tokens[count++] = STAR;
            } else if (c == '?') {
                tokens[count++] = ANY;
            } else {
                tokens[count++] = c;
            }
        }
        // where in the value each wildcard token starts and ends, when captured
        int[] from = capture ? new int[count] : null;
        int[] to = capture ? new int[count] : null;
        int v = 0;
        int p = 0;
        int starAt = -1;     // the token after the last * seen
        int resumeAt = 0;    // where in the value that * now ends
        while (v < value.length()) {
            if (p < count && tokens[p] != STAR
                    && (tokens[p] == ANY || same(tokens[p], value.charAt(v), asciiCaseInsensitive))) {
                if (capture && tokens[p] == ANY) {
                    from[p] = v;
                    to[p] = v + 1;
                }
                p++;
                v++;
            } else if (p < count && tokens[p] == STAR) {
                if (capture) {
                    from[p] = v;
                    to[p] = v;
                }
                starAt = ++p;
                resumeAt = v;
            } else if (starAt >= 0) {
                p = starAt;          // let the last * take one more character
                v = ++resumeAt;
                if (capture) {
                    to[starAt - 1] = v;
                }
            } else {
                return null;
            }
        }
        while (p < count && tokens[p] == STAR) {
            if (capture) {
                from[p] = v;
                to[p] = v;
            }
            p++;
        }
        if (p != count) {
            return null;
        }
        if (!capture) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        out.add(value);
        for (int t = 0; t < count; t++) {
            if (tokens[t] == STAR || tokens[t] == ANY) {
                out.add(value.substring(from[t], to[t]));
            }
        }
        return out;
    }

    private static boolean same(int token, char c, boolean asciiCaseInsensitive) {
        if (token == c) {
            return true;
        }
        return asciiCaseInsensitive && token < 128 && c < 128 && lower((char) token) == lower(c);
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
}
