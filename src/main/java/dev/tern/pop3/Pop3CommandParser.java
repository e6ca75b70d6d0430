package dev.tern.pop3;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Command lines to {@link Pop3Command}s (RFC 1939 §3, RFC 2449 §3). Pure: bytes in, a command or
 * a reason out. Keywords are 3 or 4 letters, case-insensitive; arguments are printable ASCII
 * separated by single spaces, at most 40 characters each as RFC 1939 §3 says, except where that is
 * too short in practice: USER (addresses are often longer), AUTH's initial response and PASS,
 * which are bounded by the line.
 */
public final class Pop3CommandParser {

    /** A line that is not a command, and why, in words for the {@code -ERR} reply. */
    public record Invalid(String reason) {
    }

    static final int MAX_ARG = 40;

    private Pop3CommandParser() {
    }

    /**
     * @param line the line without its CRLF
     * @return a {@link Pop3Command} or an {@link Invalid}
     */
    public static Object parse(byte[] line) {
        for (byte b : line) {
            // As an unsigned octet: 8-bit octets are UTF-8, not controls (a signed byte above 0x7f is negative).
            int c = b & 0xff;
            if (c < 0x20 || c == 0x7f) {
                return new Invalid("control characters are not allowed in commands");
            }
        }
        // Passwords may be UTF-8 (RFC 5034 recommends SASL for that, but clients send it anyway).
        String text = new String(line, StandardCharsets.UTF_8);
        int space = text.indexOf(' ');
        String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
        if (keyword.length() < 3 || keyword.length() > 4 || !keyword.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
            return new Invalid("not a POP3 command");
        }
        String rest = space < 0 ? "" : text.substring(space + 1);
        if (keyword.equals("PASS")) {
            return new Pop3Command(keyword, rest.isEmpty() ? List.of() : List.of(rest), rest);
        }
        List<String> args = rest.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(rest.split(" ", -1)));
        for (String a : args) {
            if (a.isEmpty()) {
                return new Invalid("arguments are separated by single spaces");
            }
            if (a.length() > MAX_ARG && !keyword.equals("AUTH") && !keyword.equals("USER")) {
                return new Invalid("argument too long");
            }
            if (!a.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                return new Invalid("arguments are printable ASCII");
            }
        }
        return new Pop3Command(keyword, List.copyOf(args), rest);
    }

    /** A message number argument (RFC 1939 §5): a positive decimal, or -1 when it is not one. */
    public static int messageNumber(String arg) {
        if (arg.isEmpty() || arg.length() > 9 || !arg.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        int n = Integer.parseInt(arg);
        return n > 0 ? n : -1;
    }

    /** TOP's line count: a non-negative decimal (capped), or -1 when it is not one. */
    public static long lineCount(String arg) {
        if (arg.isEmpty() || !arg.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return arg.length() > 18 ? Long.MAX_VALUE : Long.parseLong(arg);
    }
}
