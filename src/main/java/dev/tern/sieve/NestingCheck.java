package dev.tern.sieve;

/**
 * Refuses a script nested deeper than {@link #MAX_DEPTH} blocks, test lists and string lists
 * before anything parses it: jSieve's parser, the check and the interpreter all recurse once per
 * level, and a script of a few thousand nested {@code if} blocks would exhaust a thread's stack.
 * The scan skips what cannot nest: quoted strings (with their {@code \} escapes), multi-line
 * strings ({@code text:} up to a line holding one dot) and comments (RFC 5228 §2.3, §2.4.2).
 */
final class NestingCheck {

    /** Levels of {@code { ( [} a script may nest: far more than any hand-written filter needs. */
    static final int MAX_DEPTH = 32;

    private NestingCheck() {
    }

    static void check(String script) throws SieveScriptException {
        int depth = 0;
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
            } else if (c == '{' || c == '(' || c == '[') {
                if (++depth > MAX_DEPTH) {
                    throw new SieveScriptException(line, "nested more than " + MAX_DEPTH + " levels deep");
                }
            } else if (c == '}' || c == ')' || c == ']') {
                depth = Math.max(0, depth - 1);
            }
        }
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
