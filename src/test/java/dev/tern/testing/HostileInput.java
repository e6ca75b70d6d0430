package dev.tern.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hostile variants of valid protocol input, for the tests that check that a parser or a server
 * answers anything a client may send with its own error and nothing else. Deterministic: every
 * choice comes from the {@link Random} given, so a failure is reproduced from its seed.
 *
 * <p>A mutation is one of: a flipped bit, a byte replaced, a byte or token of the kinds parsers
 * trip on inserted (NUL, CR, LF, 8-bit and invalid UTF-8 octets, quotes, backslashes, brackets,
 * {@code *}, {@code $}, literal announcements, numbers past 2^32 and 2^64), a range deleted or
 * repeated, a truncation, or deep or unbalanced parenthesis nesting.
 *
 * <p>Also what every such test shares: {@link #leak} says whether a text shown to a client gives
 * away something internal, and {@link #drive} sends cases one by one on a connection, opening a
 * fresh one whenever the server ended the session.
 */
public final class HostileInput {

    /** Tokens inserted whole: each is at the heart of some past parser bug somewhere. */
    private static final List<String> TOKENS = List.of(
            "\0", "\r", "\n", "\r\n", " ", "  ", "\t", "*", "$", "%", "\"", "\\", "\\\"", "(", ")", "[", "]",
            "<", ">", "{", "}", "~", "+", "-", ".", ":", ",", "=", "&", "&-", "&AOk-", "&Jjo", "NIL",
            "0", "-1", "4294967295", "4294967296", "9223372036854775807", "9223372036854775808",
            "18446744073709551616", "99999999999999999999", "{0}\r\n", "{5}\r\n", "{5+}\r\n", "{3}\r\nab",
            "~{3}\r\na\0b", "{99999999999999999999}", "{4294967296+}", "{-1}", "{}", "{+}", "<0.0>",
            "<4294967296.1>", "1:*", "*:*", "$,1", "1,,2", "1:2:3", "UTF8 (", "CHARSET", "RETURN ()");

    /** Octets that are not text: 8-bit, invalid UTF-8 starts, a UTF-16 surrogate in UTF-8, overlong NUL. */
    private static final List<byte[]> OCTETS = List.of(
            new byte[] {(byte) 0x80}, new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc3},
            new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xc0, (byte) 0x80},
            new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {0x7f},
            "é".getBytes(StandardCharsets.UTF_8), "日本".getBytes(StandardCharsets.UTF_8));

    /** What a text shown to a client must not hold: see {@link #leak(String)}. */
    private static final List<Pattern> LEAKS = leakMarkers();

    private HostileInput() {
    }

    /** One to four mutations of {@code valid}. */
    public static byte[] mutate(byte[] valid, Random random) {
        byte[] out = valid;
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            out = mutateOnce(out, random);
        }
        return out;
    }

    /** {@link #mutate(byte[], Random)} of a text's UTF-8. */
    public static byte[] mutate(String valid, Random random) {
        return mutate(valid.getBytes(StandardCharsets.UTF_8), random);
    }

    private static byte[] mutateOnce(byte[] in, Random random) {
        int at = in.length == 0 ? 0 : random.nextInt(in.length + 1);
        switch (random.nextInt(12)) {
            case 0: {     // a bit flipped
                if (in.length == 0) {
                    return in;
                }
                byte[] out = in.clone();
                int i = random.nextInt(in.length);
                out[i] ^= (byte) (1 << random.nextInt(8));
                return out;
            }
            case 1: {     // a byte replaced by any other
                if (in.length == 0) {
                    return in;
                }
                byte[] out = in.clone();
                out[random.nextInt(in.length)] = (byte) random.nextInt(256);
                return out;
            }
            case 2:
            case 3:
                return insert(in, at, TOKENS.get(random.nextInt(TOKENS.size())).getBytes(StandardCharsets.ISO_8859_1));
            case 4:
                return insert(in, at, OCTETS.get(random.nextInt(OCTETS.size())));
            case 5: {     // a range deleted
                if (in.length == 0) {
                    return in;
                }
                int from = random.nextInt(in.length);
                int to = from + 1 + random.nextInt(Math.min(8, in.length - from));
                return concat(slice(in, 0, from), slice(in, to, in.length));
            }
            case 6:       // truncated
                return slice(in, 0, at);
            case 7: {     // a range repeated
                if (in.length == 0) {
                    return in;
                }
                int from = random.nextInt(in.length);
                int to = from + 1 + random.nextInt(Math.min(12, in.length - from));
                byte[] piece = slice(in, from, to);
                ByteArrayOutputStream repeated = new ByteArrayOutputStream();
                for (int k = 1 + random.nextInt(random.nextInt(10) == 0 ? 500 : 4); k > 0; k--) {
                    repeated.writeBytes(piece);
                }
                return insert(in, to, repeated.toByteArray());
            }
            case 8: {     // deep nesting, balanced or not
                int depth = random.nextBoolean() ? 1 + random.nextInt(100) : 1000 + random.nextInt(9000);
                String open = random.nextBoolean() ? "(" : random.nextBoolean() ? "NOT " : "OR ALL ";
                String close = random.nextInt(3) == 0 ? "" : ")".repeat(depth);
                return insert(in, at, (open.repeat(depth) + "ALL" + close).getBytes(StandardCharsets.US_ASCII));
            }
            case 9: {     // two bytes swapped
                if (in.length < 2) {
                    return in;
                }
                byte[] out = in.clone();
                int i = random.nextInt(in.length);
                int j = random.nextInt(in.length);
                byte b = out[i];
                out[i] = out[j];
                out[j] = b;
                return out;
            }
            case 10:      // a random short run of bytes
                return insert(in, at, randomBytes(random, 1 + random.nextInt(6)));
            default: {    // case changed: keywords are case-insensitive, the rest may not be
                byte[] out = in.clone();
                for (int i = 0; i < out.length; i++) {
                    if (random.nextInt(4) == 0 && Character.isLetter(out[i])) {
                        out[i] ^= 0x20;
                    }
                }
                return out;
            }
        }
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] insert(byte[] in, int at, byte[] what) {
        return concat(concat(slice(in, 0, at), what), slice(in, at, in.length));
    }

    private static byte[] slice(byte[] in, int from, int to) {
        return java.util.Arrays.copyOfRange(in, from, to);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The input as it would appear in a failure message: printable ASCII, the rest escaped, shortened. */
    public static String show(byte[] input) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < input.length && sb.length() < 600; i++) {
            int c = input[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return input.length > 600 ? sb + "...(" + input.length + " octets)" : sb.toString();
    }

    /**
     * One input for {@link #drive}.
     *
     * @param name   what a failure calls it: its seed and the state it was sent in
     * @param input  the octets sent
     * @param source the text it was made from (the valid command it mutates, or the input itself)
     */
    public record Case(String name, byte[] input, String source) {
    }

    /**
     * {@code count} cases from seed {@code firstSeed} on: each seed chooses one of {@code valid}
     * and mutates it ({@link #mutate(String, Random)}).
     *
     * @param where the state the cases are sent in, for their names
     */
    public static List<Case> seeded(String where, List<String> valid, int firstSeed, int count) {
        List<Case> cases = new ArrayList<>(count);
        for (int seed = firstSeed; seed < firstSeed + count; seed++) {
            Random random = new Random(seed);
            String source = valid.get(random.nextInt(valid.size()));
            cases.add(new Case("seed " + seed + " " + where, mutate(source, random), source));
        }
        return cases;
    }

    /** The inputs as written, each char one octet (ISO-8859-1). */
    public static List<Case> asWritten(String where, List<String> inputs) {
        List<Case> cases = new ArrayList<>(inputs.size());
        for (String input : inputs) {
            cases.add(new Case(where, input.getBytes(StandardCharsets.ISO_8859_1), input));
        }
        return cases;
    }

    /** Opens a connection in the state the cases are for: greeted, logged in, a mailbox selected. */
    @FunctionalInterface
    public interface Open<C> {
        C open() throws IOException;
    }

    /** Sends one case and reads and checks all the server owes for it; false when the server ended the session. */
    @FunctionalInterface
    public interface Exchange<C> {
        boolean goesOn(C connection, Case c) throws IOException;
    }

    /**
     * Sends every case, in order, on a connection from {@code open}, and a fresh one after each
     * case that ended the session. A failure names the case, its input and the connection's
     * {@code transcript}.
     *
     * @return how many cases left a session that went on
     */
    public static <C extends Closeable> int drive(Open<C> open, List<Case> cases, Exchange<C> exchange,
            Function<C, String> transcript) throws IOException {
        C connection = open.open();
        int goneOn = 0;
        try {
            for (Case c : cases) {
                boolean goesOn;
                try {
                    goesOn = exchange.goesOn(connection, c);
                } catch (AssertionError | IOException e) {
                    throw new AssertionError(c.name() + ", input " + show(c.input()) + ": " + e.getMessage() + "\n"
                            + transcript.apply(connection), e);
                }
                if (goesOn) {
                    goneOn++;
                } else {
                    connection.close();
                    connection = open.open();
                }
            }
        } finally {
            connection.close();
        }
        return goneOn;
    }

    /**
     * What a text sent to a client must not show of the server's insides: Java class, package and
     * exception names ({@code java.}, {@code dev.tern}, {@code netty}, {@code Exception},
     * {@code NullPointer}, a name ending in {@code Error} such as {@code StackOverflowError}), stack
     * frames, file paths, or a bare {@code null} (a missing message printed as is). Letters are
     * compared without case, but for the {@code Error} names: a refusal may begin with the word
     * {@code Error:}, and RFC 5321 calls {@code <>} "the null path". Null when {@code text} shows
     * none of them, else the part that does; a null {@code text} is a leak too.
     */
    public static String leak(String text) {
        return leak(text, "");
    }

    /**
     * {@link #leak(String)}, but what the client itself sent may come back: a server names the
     * malformed parameter it refuses. A marker found in {@code text} is let pass when {@code sent}
     * holds it too; none of {@code secrets} ever is (the data directory's path).
     */
    public static String leak(String text, String sent, String... secrets) {
        if (text == null) {
            return "a null text";
        }
        String shown = text.replace("the null path <>", "");   // RFC 5321's words for <>, in an SMTP refusal
        String lowerSent = sent.toLowerCase(Locale.ROOT);
        for (Pattern marker : LEAKS) {
            Matcher m = marker.matcher(shown);
            while (m.find()) {
                if (!lowerSent.contains(m.group().toLowerCase(Locale.ROOT))) {
                    return m.group().strip();
                }
            }
        }
        for (String secret : secrets) {
            if (shown.contains(secret)) {
                return secret;
            }
        }
        return null;
    }

    private static List<Pattern> leakMarkers() {
        List<Pattern> markers = new ArrayList<>();
        for (String literal : List.of("java.", "javax.", "dev.tern", "netty", "Exception", "Throwable", "NullPointer",
                "IndexOutOfBounds", "NumberFormat", "\tat ", ".java:", "/tmp/", "/var/", "/home/", "/usr/", "/root/",
                "/work/")) {
            markers.add(Pattern.compile(Pattern.quote(literal), Pattern.CASE_INSENSITIVE));
        }
        markers.add(Pattern.compile("(?<![\\w$.])[\\w$.]+Error\\b"));   // StackOverflowError, java.lang.Error
        markers.add(Pattern.compile("(?<![A-Za-z])null(?![A-Za-z])", Pattern.CASE_INSENSITIVE));
        return List.copyOf(markers);
    }
}
