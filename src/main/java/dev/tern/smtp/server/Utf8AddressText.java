package dev.tern.smtp.server;

/**
 * The two texts RFC 6533 §3 gives a UTF-8 address in the ORCPT parameter, under the address type
 * {@code utf-8}: {@code utf-8-addr-unitext}, with its UTF-8 as is, for an SMTPUTF8 transaction
 * only, and {@code utf-8-addr-xtext}, its 7-bit form, where each character beyond ASCII is written
 * {@code \x{HEX}}, which any server takes. Both write the ASCII characters xtext cannot carry
 * (controls, space, {@code +}, {@code =}) and the backslash itself that way.
 */
final class Utf8AddressText {

    private Utf8AddressText() {
    }

    /** RFC 6533 §3: {@code utf-8-addr-unitext = 1*(QUCHAR / EmbeddedUnicodeChar)}. */
    static boolean isUnitext(String s) {
        if (s.isEmpty()) {
            return false;
        }
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (cp == '\\') {
                int end = embeddedCharEnd(s, i);
                if (end < 0) {
                    return false;
                }
                i = end;
                continue;
            }
            if (cp < 0x80 && !isQchar(cp)) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    /**
     * The 7-bit form, {@code utf-8-addr-xtext}: every character beyond ASCII as {@code \x{HEX}},
     * upper-case hex digits, as few as the grammar allows (at least two).
     */
    static String toXtext(String unitext) {
        StringBuilder b = new StringBuilder(unitext.length() + 16);
        unitext.codePoints().forEach(cp -> {
            if (cp < 0x80) {
                b.append((char) cp);
            } else {
                b.append("\\x{").append(String.format("%02X", cp)).append('}');
            }
        });
        return b.toString();
    }

    static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    /** QCHAR: printable ASCII but {@code \ + =}. */
    private static boolean isQchar(int cp) {
        return cp >= 0x21 && cp <= 0x7E && cp != '\\' && cp != '+' && cp != '=';
    }

    /**
     * The index after the {@code EmbeddedUnicodeChar} ({@code \x{HEXPOINT}}) at {@code start}, or -1
     * when there is none. HEXPOINT is an ASCII character xtext cannot carry or the backslash, in two
     * digits, or a code point beyond ASCII in as few digits as it takes (two at least), never a
     * surrogate.
     */
    private static int embeddedCharEnd(String s, int start) {
        if (!s.startsWith("\\x{", start)) {
            return -1;
        }
        int close = s.indexOf('}', start + 3);
        if (close < 0) {
            return -1;
        }
        String hex = s.substring(start + 3, close);
        if (hex.length() < 2 || hex.length() > 6 || !hex.chars().allMatch(c -> c < 0x80 && Character.digit(c, 16) >= 0)) {
            return -1;
        }
        int cp = Integer.parseInt(hex, 16);
        boolean ok;
        if (hex.length() == 2) {
            ok = (cp >= 0x01 && cp <= 0x20) || cp == '+' || cp == '=' || cp == 0x7F || cp == '\\' || cp >= 0x80;
        } else {
            ok = hex.charAt(0) != '0' && cp >= 0x100 && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
        }
        return ok ? close + 1 : -1;
    }
}
