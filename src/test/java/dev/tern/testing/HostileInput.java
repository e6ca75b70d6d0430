package dev.tern.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Hostile variants of valid protocol input, for the tests that check that a parser or a server
 * answers anything a client may send with its own error and nothing else. Deterministic: every
 * choice comes from the {@link Random} given, so a failure is reproduced from its seed.
 *
 * <p>A mutation is one of: a flipped bit, a byte replaced, a byte or token of the kinds parsers
 * trip on inserted (NUL, CR, LF, 8-bit and invalid UTF-8 octets, quotes, backslashes, brackets,
 * {@code *}, {@code $}, literal announcements, numbers past 2^32 and 2^64), a range deleted or
 * repeated, a truncation, or deep or unbalanced parenthesis nesting.
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
     * What an error text sent to a client must not contain: names of Java classes and exceptions,
     * stack frames, file paths, or a bare {@code null} (a missing message printed as is). Null
     * when {@code text} shows none of them, else the part that does.
     */
    public static String leak(String text) {
        if (text == null) {
            return "a null text";
        }
        for (String marker : List.of("java.", "javax.", "dev.tern", "Exception", "Error:", "\tat ", ".java:",
                "/tmp/", "/var/", "/home/", "/work/", "NullPointer", "IndexOutOfBounds", "NumberFormat",
                "Throwable")) {
            if (text.contains(marker)) {
                return marker;
            }
        }
        if (text.matches("(?s).*(^|[^A-Za-z])null([^A-Za-z]|$).*")) {
            return "null";
        }
        return null;
    }
}
