package dev.tern.smtp.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Ways to spoil an SMTP command line, for the hostile-input tests: bit flips, odd bytes (NUL, CR,
 * LF, high bytes, invalid UTF-8), truncation, deletion, repetition, huge or odd numbers, case
 * swaps, splices with other lines. Every draw comes from the caller's seeded {@link Random}, so a
 * failing input comes back with its seed.
 */
final class CommandMutations {

    private static final byte[][] SPECIAL = {
            {0}, {'\r'}, {'\n'}, {'\r', '\n'}, {0x7F}, {(byte) 0x80}, {(byte) 0xFF}, {(byte) 0xC3},
            {(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
            utf8("\u00E9"), utf8("\u200D"), utf8("\u3002"), utf8("\uD83D\uDCE7"),
            {'\t'}, {' '}, {'<'}, {'>'}, {'"'}, {'\\'}, {'@'}, {':'}, {','}, {'='}, {'+'}, {';'}, {'['}, {']'},
            {'.'}, utf8("<>"), utf8("\"\\\""), utf8("@a.test:"), utf8(" SIZE="), utf8(" LAST"), utf8("+4")};

    private static final String[] NUMBERS = {
            "99999999999999999999", "1e30", "-1", "0", "00000000000000000000000000001", "9223372036854775807",
            "9223372036854775808", "0x10", "+5", "\u0661\u0662", "18446744073709551616", ""};

    private final Random random;
    private final List<String> spliceWith;

    /** @param spliceWith lines whose tails may be spliced onto a mutated line */
    CommandMutations(Random random, List<String> spliceWith) {
        this.random = random;
        this.spliceWith = List.copyOf(spliceWith);
    }

    /**
     * One to four mutations of {@code line}, as UTF-8 bytes. Two times in three the verb is kept,
     * so that most lines reach the parsing of their arguments.
     */
    byte[] mutate(String line) {
        int space = line.indexOf(' ');
        if (space > 0 && random.nextInt(3) != 0) {
            return concat(utf8(line.substring(0, space + 1)), mutate(utf8(line.substring(space + 1))));
        }
        return mutate(utf8(line));
    }

    private byte[] mutate(byte[] line) {
        byte[] b = line;
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            b = once(b);
        }
        return b;
    }

    private byte[] once(byte[] b) {
        switch (random.nextInt(9)) {
            case 0: // flip one bit of one byte
                if (b.length > 0) {
                    b = b.clone();
                    b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return b;
            case 1: // insert an odd byte sequence
                return insert(b, random.nextInt(b.length + 1), SPECIAL[random.nextInt(SPECIAL.length)]);
            case 2: // truncate
                return Arrays.copyOf(b, random.nextInt(b.length + 1));
            case 3: { // delete a range
                if (b.length == 0) {
                    return b;
                }
                int from = random.nextInt(b.length);
                int to = from + random.nextInt(b.length - from + 1);
                return concat(Arrays.copyOfRange(b, 0, from), Arrays.copyOfRange(b, to, b.length));
            }
            case 4: { // repeat a slice: a few times, or up to some thousands of octets
                if (b.length == 0) {
                    return b;
                }
                int from = random.nextInt(b.length);
                int to = from + 1 + random.nextInt(b.length - from);
                int times = 1 + random.nextInt(random.nextBoolean() ? 3 : 600);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(b, 0, to);
                for (int t = 0; t < times && out.size() < 20_000; t++) {
                    out.write(b, from, to - from);
                }
                out.write(b, to, b.length - to);
                return out.toByteArray();
            }
            case 5: // the first number made huge or odd
                return replaceNumber(b, NUMBERS[random.nextInt(NUMBERS.length)]);
            case 6: { // swap the case of one letter
                if (b.length == 0) {
                    return b;
                }
                b = b.clone();
                int i = random.nextInt(b.length);
                if ((b[i] >= 'a' && b[i] <= 'z') || (b[i] >= 'A' && b[i] <= 'Z')) {
                    b[i] ^= 0x20;
                }
                return b;
            }
            case 7: { // splice with the tail of another line
                byte[] other = utf8(spliceWith.get(random.nextInt(spliceWith.size())));
                int cut = random.nextInt(b.length + 1);
                int from = random.nextInt(other.length + 1);
                return concat(Arrays.copyOf(b, cut), Arrays.copyOfRange(other, from, other.length));
            }
            default: // any byte anywhere
                return insert(b, random.nextInt(b.length + 1), new byte[]{(byte) random.nextInt(256)});
        }
    }

    private static byte[] replaceNumber(byte[] b, String number) {
        int start = -1;
        for (int i = 0; i < b.length && start < 0; i++) {
            if (b[i] >= '0' && b[i] <= '9') {
                start = i;
            }
        }
        if (start < 0) {
            return concat(b, utf8(" " + number));
        }
        int end = start;
        while (end < b.length && b[end] >= '0' && b[end] <= '9') {
            end++;
        }
        return concat(concat(Arrays.copyOf(b, start), utf8(number)), Arrays.copyOfRange(b, end, b.length));
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(b, at, out, at + what.length, b.length - at);
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The bytes as escaped ASCII, cut to a length fit for an assertion message. */
    static String escape(byte[] b) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < b.length && sb.length() < 300; i++) {
            int c = b[i] & 0xFF;
            sb.append(c >= 32 && c < 127 && c != '"' && c != '\\' ? String.valueOf((char) c) : String.format("\\x%02X", c));
        }
        return sb.append(sb.length() >= 300 ? "\"… (" + b.length + " octets)" : "\"").toString();
    }

    /** The text as escaped ASCII (any char, lone surrogates included). */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length() && sb.length() < 300; i++) {
            char c = s.charAt(i);
            sb.append(c >= 32 && c < 127 && c != '"' && c != '\\' ? String.valueOf(c) : String.format("\\u%04X", (int) c));
        }
        return sb.append('"').toString();
    }
}
