package dev.tern.managesieve;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ManageSieve input to commands (RFC 5804 §4). Pure: octets in, a {@link ManageSieveCommand} or
 * an {@link Invalid} reason out; no I/O.
 *
 * <p>A command is an atom (its name, case-insensitive) followed by arguments separated by spaces:
 * quoted strings ({@code "a \"b\" \\ c"}: only {@code \"} and {@code \\} are escapes), literals
 * ({@code {n+}} CRLF and n octets; the synchronizing {@code {n}} is taken the same way, since
 * ManageSieve has no continuation request to wait for) and numbers. The connection gathers one
 * whole command first, its literals included ({@link #literalAtEnd} tells it where one is
 * announced), and the parser sees all of it at once.
 *
 * <p>Leniency: several spaces count as one and trailing spaces are ignored; a line may end with
 * LF alone. Nothing else is guessed at: an unknown escape, a control character outside a literal
 * or an argument of the wrong kind is an error with a reason the client can read.
 */
final class ManageSieveParser {

    /** Input that is not a command, and why, in words for the {@code NO} reply. */
    record Invalid(String reason) {
    }

    /** An empty line: no command, and nothing to answer. */
    static final Object EMPTY = new Object();

    /** A literal announced at the end of a line: its size (huge ones as {@link Long#MAX_VALUE}), and whether {@code +} was missing. */
    record Literal(long size, boolean synchronizing) {
    }

    /** HAVESPACE's size is a 32-bit unsigned number (RFC 5804 §4). */
    static final long MAX_NUMBER = 4294967295L;

    private ManageSieveParser() {
    }

    /**
     * The literal a line announces at its end ({@code {n}} or {@code {n+}} after a space, or as
     * the whole line), or null when it announces none.
     *
     * @param line the line without its line ending
     */
    static Literal literalAtEnd(byte[] line) {
        int end = line.length - 1;
        if (end < 2 || line[end] != '}') {
            return null;
        }
        int i = end - 1;
        boolean plus = line[i] == '+';
        if (plus) {
            i--;
        }
        int lastDigit = i;
        while (i >= 0 && line[i] >= '0' && line[i] <= '9') {
            i--;
        }
        if (i == lastDigit || i < 0 || line[i] != '{' || (i > 0 && line[i - 1] != ' ')) {
            return null;
        }
        return new Literal(number(line, i + 1, lastDigit + 1), !plus);
    }

    /**
     * A whole command: its line, with each literal it announces and the rest of the line after
     * it, without the final line ending.
     *
     * @return a {@link ManageSieveCommand}, an {@link Invalid}, or {@link #EMPTY}
     */
    static Object parse(byte[] input) {
        Tokens t = new Tokens(input);
        int start = t.pos;
        while (t.pos < input.length && atomChar(input[t.pos])) {
            t.pos++;
        }
        if (t.pos == start) {
            if (t.rest().isBlank()) {
                return EMPTY;
            }
            return new Invalid("a command starts with its name");
        }
        String name = new String(input, start, t.pos - start, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
        if (t.pos < input.length && input[t.pos] != ' ') {
            return new Invalid("a command name is letters only, followed by a space");
        }
        ManageSieveVerb verb = ManageSieveVerb.named(name);
        if (verb == null) {
            return new Invalid("unknown command");
        }
        List<Object> args = new ArrayList<>();
        while (true) {
            Object token = t.next();
            if (token == null) {
                break;
            }
            if (token instanceof Invalid) {
                return token;
            }
            args.add(token);
        }
        return shaped(verb, args);
    }

    /**
     * A response to a SASL challenge (RFC 5804 §2.1): one string, quoted or literal. A bare
     * response (base64, or {@code *}) as some older clients send it is taken as it is.
     *
     * @return the response's octets, or an {@link Invalid}
     */
    static Object saslResponse(byte[] input) {
        if (input.length == 0) {
            return new byte[0];   // an empty line for an empty response
        }
        Tokens t = new Tokens(input);
        if (input[0] != '"' && input[0] != '{') {
            String bare = t.rest().strip();
            return bare.contains(" ") ? new Invalid("a SASL response is one string") : bare.getBytes(StandardCharsets.US_ASCII);
        }
        t.pos = -1;   // the first token is not preceded by a space
        Object first = t.next();
        if (first instanceof Invalid) {
            return first;
        }
        if (!(first instanceof byte[]) || t.next() != null) {
            return new Invalid("a SASL response is one string");
        }
        return first;
    }

    private static Object shaped(ManageSieveVerb verb, List<Object> args) {
        String shape = verb.shape;
        int optional = shape.indexOf('?');
        int required = optional < 0 ? shape.length() : optional;
        String kinds = shape.replace("?", "");
        if (args.size() < required || args.size() > kinds.length()) {
            return new Invalid(verb.usage);
        }
        List<byte[]> strings = new ArrayList<>();
        long number = -1;
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (kinds.charAt(i) == 's') {
                if (!(a instanceof byte[] s)) {
                    return new Invalid(verb.usage + " (strings are quoted, or literals)");
                }
                strings.add(s);
            } else {
                if (!(a instanceof Atom atom) || !atom.text().chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return new Invalid(verb.usage);
                }
                number = number(atom.text().getBytes(StandardCharsets.US_ASCII), 0, atom.text().length());
                if (number > MAX_NUMBER) {
                    return new Invalid("the number is too large (at most " + MAX_NUMBER + ")");
                }
            }
        }
        return new ManageSieveCommand(verb, List.copyOf(strings), number);
    }

    /** An atom argument: a number, or a word where a string belongs. */
    private record Atom(String text) {
    }

    /** Reads the arguments of one command, left to right. */
    private static final class Tokens {
        final byte[] in;
        int pos;

        Tokens(byte[] in) {
            this.in = in;
        }

        String rest() {
            return new String(in, Math.max(pos, 0), in.length - Math.max(pos, 0), StandardCharsets.UTF_8);
        }

        /** The next argument (an {@link Atom} or a string's octets), an {@link Invalid}, or null at the end. */
        Object next() {
            if (pos >= 0) {
                if (pos >= in.length) {
                    return null;
                }
                if (in[pos] != ' ') {
                    return new Invalid("arguments are separated by spaces");
                }
                while (pos < in.length && in[pos] == ' ') {
                    pos++;
                }
                if (pos == in.length) {
                    return null;   // trailing spaces
                }
            } else {
                pos = 0;
            }
            byte c = in[pos];
            if (c == '"') {
                return quoted();
            }
            if (c == '{') {
                return literal();
            }
            int start = pos;
            while (pos < in.length && atomChar(in[pos])) {
                pos++;
            }
            if (pos == start) {
                int octet = c & 0xff;    // a signed byte above 0x7f is negative, not a control character
                return new Invalid(octet < 0x20 || octet == 0x7f ? "control characters are allowed in literals only"
                        : octet > 0x7f ? "8-bit characters are allowed in strings only"
                        : "unexpected character '" + (char) octet + "'");
            }
            return new Atom(new String(in, start, pos - start, StandardCharsets.US_ASCII));
        }

        private Object quoted() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            pos++;
            while (pos < in.length) {
                byte c = in[pos++];
                if (c == '"') {
                    return out.toByteArray();
                }
                if (c == '\\') {
                    if (pos == in.length || (in[pos] != '"' && in[pos] != '\\')) {
                        return new Invalid("in a quoted string, \\ escapes only \" and \\");
                    }
                    c = in[pos++];
                } else if (c == '\r' || c == '\n' || c == 0) {
                    return new Invalid("a quoted string may not hold CR, LF or NUL; send a literal");
                }
                out.write(c);
            }
            return new Invalid("a quoted string is not closed");
        }

        private Object literal() {
            int close = pos;
            while (close < in.length && in[close] != '}' && in[close] != '\n') {
                close++;
            }
            if (close == in.length || in[close] != '}') {
                return new Invalid("a literal is {size+} at the end of a line");
            }
            int digitsEnd = in[close - 1] == '+' ? close - 1 : close;
            for (int i = pos + 1; i < digitsEnd; i++) {
                if (in[i] < '0' || in[i] > '9') {
                    return new Invalid("a literal is {size+} at the end of a line");
                }
            }
            if (digitsEnd == pos + 1) {
                return new Invalid("a literal is {size+} at the end of a line");
            }
            long size = number(in, pos + 1, digitsEnd);
            int data = close + 1;
            if (data < in.length && in[data] == '\r') {
                data++;
            }
            if (data >= in.length || in[data] != '\n') {
                return new Invalid("a literal is {size+} at the end of a line");
            }
            data++;
            if (size > in.length - data) {
                return new Invalid("the literal is shorter than announced");
            }
            byte[] octets = new byte[(int) size];
            System.arraycopy(in, data, octets, 0, octets.length);
            pos = data + octets.length;
            return octets;
        }
    }

    /** The decimal number in {@code b[from, to)}; {@link Long#MAX_VALUE} when it is longer than 18 digits. */
    private static long number(byte[] b, int from, int to) {
        int first = from;
        while (first < to - 1 && b[first] == '0') {
            first++;
        }
        if (to - first > 18) {
            return Long.MAX_VALUE;
        }
        long n = 0;
        for (int i = first; i < to; i++) {
            n = n * 10 + (b[i] - '0');
        }
        return n;
    }

    /** ATOM-CHAR of RFC 5804 §4: printable ASCII but {@code ( ) { SP % * " \ ]}. */
    static boolean atomChar(byte c) {
        return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '{' && c != '%' && c != '*'
                && c != '"' && c != '\\' && c != ']';
    }
}
