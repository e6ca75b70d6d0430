package dev.tern.delivery.dsn;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Turns values into header-field text: RFC 5322 dates, single-line text cleaned of anything that
 * could break the field structure, and folding of long fields.
 *
 * <p>Security: report fields carry text from other servers (their replies) and from clients
 * (addresses, ENVID). Line breaks and control characters are removed before anything is written,
 * so no such text can add a header field, a body part or a MIME boundary of its own.
 */
final class FieldText {

    /** Where folding is attempted (RFC 5322 §2.1.1 "SHOULD" limit). */
    static final int FOLD_AT = 78;
    private static final DateTimeFormatter RFC5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

    private FieldText() {
    }

    static String date(Instant instant, ZoneId zone) {
        return RFC5322_DATE.format(instant.atZone(zone));
    }

    /**
     * One line of at most {@code maxChars} characters: runs of white space and control characters
     * become one space; non-ASCII becomes '?' unless {@code utf8} (RFC 6532/6533 content).
     */
    static String singleLine(String text, boolean utf8, int maxChars) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), maxChars + 8));
        boolean pendingSpace = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isWhitespace(cp) || Character.isISOControl(cp) || cp == 0xFEFF) {
                pendingSpace = b.length() > 0;
                continue;
            }
            if (pendingSpace) {
                b.append(' ');
                pendingSpace = false;
            }
            if (cp >= 0x80 && !utf8) {
                b.append('?');
            } else {
                b.appendCodePoint(cp);
            }
        }
        if (b.codePointCount(0, b.length()) > maxChars) {
            int cut = b.offsetByCodePoints(0, maxChars - 3);
            b.setLength(cut);
            b.append("...");
        }
        return b.toString();
    }

    /**
     * {@code Name: value} with CRLF, folded before spaces so that lines stay near
     * {@value #FOLD_AT} characters. The value must already be a single line.
     */
    static String field(String name, String value) {
        StringBuilder out = new StringBuilder(name.length() + value.length() + 8);
        StringBuilder line = new StringBuilder(name).append(':');
        boolean lineHasWord = false;
        for (String word : value.split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            if (lineHasWord && line.length() + 1 + word.length() > FOLD_AT) {
                out.append(line).append("\r\n");
                line.setLength(0);
            }
            line.append(' ').append(word);
            lineHasWord = true;
        }
        return out.append(line).append("\r\n").toString();
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
