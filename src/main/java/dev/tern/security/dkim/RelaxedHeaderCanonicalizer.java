package dev.tern.security.dkim;

import java.nio.charset.StandardCharsets;

/**
 * The "relaxed" header canonicalization of RFC 6376 §3.4.2: field name in lower case; the value
 * unfolded, each run of whitespace made one space, whitespace at its ends and around the colon
 * removed; the field ends with CRLF.
 */
final class RelaxedHeaderCanonicalizer {

    private RelaxedHeaderCanonicalizer() {
    }

    /** The canonical form of a field, ending with CRLF, as octets. */
    static byte[] canonicalize(HeaderField field) {
        return (canonicalWithoutCrlf(field) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The canonical form without the final CRLF: the form in which the signature's own field is
     * hashed (RFC 6376 §3.7).
     */
    static String canonicalWithoutCrlf(HeaderField field) {
        String raw = field.raw();
        String value = raw.substring(raw.indexOf(':') + 1);
        return field.name() + ":" + relaxedValue(value);
    }

    static String relaxedValue(String value) {
        StringBuilder out = new StringBuilder(value.length());
        boolean pendingSpace = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') {
                // Unfolding: a line break inside a field is always followed by whitespace, which stays.
                continue;
            }
            if (HeaderField.isWsp(c)) {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace && out.length() > 0) {
                out.append(' ');
            }
            pendingSpace = false;
            out.append(c);
        }
        return out.toString();
    }
}
