package dev.tern.sieve.commands;

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
        int v = 0;
        int p = 0;
        int starAt = -1;     // the token after the last * seen
        int resumeAt = 0;    // where in the value that * now ends
        while (v < value.length()) {
            if (p < count && tokens[p] != STAR
                    && (tokens[p] == ANY || same(tokens[p], value.charAt(v), asciiCaseInsensitive))) {
                p++;
                v++;
            } else if (p < count && tokens[p] == STAR) {
                starAt = ++p;
                resumeAt = v;
            } else if (starAt >= 0) {
                p = starAt;          // let the last * take one more character
                v = ++resumeAt;
            } else {
                return false;
            }
        }
        while (p < count && tokens[p] == STAR) {
            p++;
        }
        return p == count;
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
