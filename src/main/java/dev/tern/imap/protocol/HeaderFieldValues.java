package dev.tern.imap.protocol;

import dev.tern.message.HeaderNames;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The values of one field in a header section, read from its octets (RFC 5322 §2.2): field names
 * compare without regard to ASCII case, folded lines are unfolded (each line break with the blank
 * after it becomes one space), values are trimmed and neither decoded nor otherwise touched.
 * A search over a large mailbox runs this once per message and key, so it walks the octets once
 * and builds text only for the fields that match.
 */
public final class HeaderFieldValues {

    private HeaderFieldValues() {
    }

    /** Adds to {@code out} the values of {@code field} in {@code header}, in order; stops at the empty line. */
    public static void collect(byte[] header, String field, List<String> out) {
        byte[] name = field.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        int n = header.length;
        int p = 0;
        while (p < n) {
            if (header[p] == '\n' || header[p] == '\r' && p + 1 < n && header[p + 1] == '\n') {
                return;    // the empty line that ends the header section
            }
            int eol = lineEnd(header, p);
            if (named(header, p, name)) {
                int end = eol;
                while (end + 1 < n && (header[end + 1] == ' ' || header[end + 1] == '\t')) {
                    end = lineEnd(header, end + 1);
                }
                out.add(unfold(header, p + name.length + 1, end));
                eol = end;
            }
            p = eol + 1;
        }
    }

    /** The index of the LF ending the line at {@code from}, or the length when none does. */
    private static int lineEnd(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return b.length;
    }

    /** True when the line at {@code p} is the field {@code name} (lower case) followed by its colon. */
    private static boolean named(byte[] b, int p, byte[] name) {
        return p + name.length < b.length && b[p + name.length] == ':' && HeaderNames.startsWith(b, p, b.length, name);
    }

    private static String unfold(byte[] b, int from, int to) {
        byte[] out = new byte[to - from];
        int len = 0;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c == '\r' && i + 1 < to && b[i + 1] == '\n') {
                continue;
            }
            if (c == '\n' && i + 1 < to && (b[i + 1] == ' ' || b[i + 1] == '\t')) {
                out[len++] = ' ';
                i++;    // the blank that folded the line
                continue;
            }
            out[len++] = c;
        }
        return new String(out, 0, len, StandardCharsets.UTF_8).trim();
    }
}
