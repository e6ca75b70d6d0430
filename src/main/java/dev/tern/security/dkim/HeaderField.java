package dev.tern.security.dkim;

import java.nio.charset.StandardCharsets;

/**
 * One header field as it appears in the message, folding included and the final line break left
 * out. The text holds the raw octets one char each (ISO-8859-1), so that UTF-8 (RFC 6532) and any
 * other 8-bit octets reach the hash exactly as they are in the message.
 *
 * <p>Public so that checks which read the header section a {@link DkimVerifier} kept (the
 * {@code From:} domain of DMARC) need not parse it again.
 *
 * @param name the field name in lower case (ASCII), without surrounding whitespace
 * @param raw  the whole field, name included, continuation lines joined with CRLF
 */
public record HeaderField(String name, String raw) {

    /** The text after the colon, as it is (folding and leading whitespace kept). */
    public String value() {
        return raw.substring(raw.indexOf(':') + 1);
    }

    /** A field from its raw text; null when the text has no colon, or nothing before it. */
    static HeaderField parse(String raw) {
        int colon = raw.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String name = lowerAscii(trimWsp(raw.substring(0, colon)));
        return name.isEmpty() ? null : new HeaderField(name, raw);
    }

    static HeaderField parse(byte[] raw) {
        return parse(new String(raw, StandardCharsets.ISO_8859_1));
    }

    /** Lower case for ASCII letters only: other octets are not letters of a field name and stay as they are. */
    static String lowerAscii(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return b.toString();
    }

    static String trimWsp(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isWsp(s.charAt(start))) {
            start++;
        }
        while (end > start && isWsp(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    static boolean isWsp(int c) {
        return c == ' ' || c == '\t';
    }
}
