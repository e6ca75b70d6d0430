package dev.tern.sieve;

/**
 * Refuses a script nested deeper than {@link #MAX_DEPTH} blocks, test lists and string lists, or
 * with a chain of more than {@link #MAX_TEST_CHAIN} tests, before anything parses it: jSieve's
 * parser, the check and the interpreter all recurse once per level, and a script of a few
 * thousand nested {@code if} blocks would exhaust a thread's stack. A test may take one test as
 * its last argument without brackets (RFC 5228 §8.3: {@code not not … true}, or in the grammar
 * any identifier after another), so a chain of identifiers nests as deep as brackets do.
 * The scan skips what cannot nest: quoted strings (with their {@code \} escapes), multi-line
 * strings ({@code text:} up to a line holding one dot) and comments (RFC 5228 §2.3, §2.4.2).
 */
final class NestingCheck {

    /** Levels of {@code { ( [} a script may nest: far more than any hand-written filter needs. */
    static final int MAX_DEPTH = 32;
    /** Tests one command may chain without brackets ({@code if not not exists …}); hand-written ones chain two or three. */
    static final int MAX_TEST_CHAIN = 16;

    private NestingCheck() {
    }

    static void check(String script) throws SieveScriptException {
        int depth = 0;
        // Identifiers since the last separator at each level: a command's name, then the tests it chains.
        int[] chain = new int[MAX_DEPTH + 1];
        int line = 1;
        int n = script.length();
        for (int i = 0; i < n; i++) {
            char c = script.charAt(i);
            if (c == '\n') {
                line++;
            } else if (c == '#') {
                while (i + 1 < n && script.charAt(i + 1) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                int stop = end < 0 ? n : end + 2;
                line += count(script, i, stop);
                i = stop - 1;
            } else if (c == '"') {
                int j = i + 1;
                while (j < n && script.charAt(j) != '"') {
                    j += script.charAt(j) == '\\' ? 2 : 1;
                }
                line += count(script, i, Math.min(j, n));
                i = Math.min(j, n);
            } else if (script.startsWith("text:", i)) {
                int end = multiLineEnd(script, i);
                line += count(script, i, end);
                i = end - 1;
            } else if (isIdentifierStart(c) && (i == 0 || !isIdentifierPart(script.charAt(i - 1))
                    && script.charAt(i - 1) != ':')) {
                if (++chain[depth] > MAX_TEST_CHAIN + 1) {
                    throw new SieveScriptException(line, "tests nested more than " + MAX_TEST_CHAIN + " deep");
                }
                while (i + 1 < n && isIdentifierPart(script.charAt(i + 1))) {
                    i++;
                }
            } else if (c == '{' || c == '(' || c == '[') {
                if (c == '{') {
                    chain[depth] = 0;
                }
                if (++depth > MAX_DEPTH) {
                    throw new SieveScriptException(line, "nested more than " + MAX_DEPTH + " levels deep");
                }
                chain[depth] = 0;
            } else if (c == '}' || c == ')' || c == ']') {
                chain[depth] = 0;
                depth = Math.max(0, depth - 1);
            } else if (c == ',' || c == ';') {
                chain[depth] = 0;
            }
        }
    }

    /** RFC 5228 §8.1: identifier = (ALPHA / "_") *(ALPHA / DIGIT / "_"). */
    private static boolean isIdentifierStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || c >= '0' && c <= '9';
    }

    /** Where a multi-line string that starts at {@code from} ends: after its line holding one dot. */
    private static int multiLineEnd(String script, int from) {
        int lineStart = script.indexOf('\n', from);
        while (lineStart >= 0) {
            int next = script.indexOf('\n', lineStart + 1);
            String l = script.substring(lineStart + 1, next < 0 ? script.length() : next).replace("\r", "");
            if (l.equals(".")) {
                return next < 0 ? script.length() : next;
            }
            lineStart = next;
        }
        return script.length();
    }

    private static int count(String s, int from, int to) {
        int lines = 0;
        for (int i = from; i < to && i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
    }
}
