package dev.tern.directory;

import java.text.Normalizer;

/**
 * SASLprep (RFC 4013), applied to a password before SCRAM derives its keys (RFC 5802 §2.2), so that
 * a password typed in another Unicode form gives the same keys.
 *
 * <p>Maps non-ASCII spaces to U+0020, drops the characters RFC 3454 table B.1 maps to nothing,
 * normalises with NFKC and refuses the prohibited characters (controls, private use, surrogates,
 * non-characters, display-changing and tagging characters). The bidirectional checks of RFC 3454 §6
 * are not done. A password that SASLprep refuses is used as it is (PostgreSQL does the same), so
 * that any password the operator sets can still log in.
 */
final class SaslPrep {

    private SaslPrep() {
    }

    /** The prepared password, or the password unchanged when SASLprep prohibits it. */
    static String prepareOrKeep(String password) {
        String prepared = prepare(password);
        return prepared == null ? password : prepared;
    }

    /** The prepared string, or null when it holds a prohibited character. */
    static String prepare(String s) {
        StringBuilder mapped = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (mapsToNothing(c)) {
                continue;
            }
            mapped.appendCodePoint(isNonAsciiSpace(c) ? ' ' : c);
        }
        String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        for (int i = 0; i < normalized.length(); ) {
            int c = normalized.codePointAt(i);
            i += Character.charCount(c);
            if (prohibited(c)) {
                return null;
            }
        }
        return normalized;
    }

    /** RFC 3454 table B.1. */
    private static boolean mapsToNothing(int c) {
        return c == 0x00AD || c == 0x034F || c == 0x1806 || (c >= 0x180B && c <= 0x180D)
                || (c >= 0x200B && c <= 0x200D) || c == 0x2060 || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF;
    }

    /** RFC 3454 table C.1.2 (U+200B is in B.1 and so already gone). */
    private static boolean isNonAsciiSpace(int c) {
        return c == 0x00A0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }

    /** RFC 4013 §2.3: tables C.1.2 to C.9 (C.1.2 was mapped away above). */
    private static boolean prohibited(int c) {
        int type = Character.getType(c);
        if (type == Character.CONTROL || type == Character.PRIVATE_USE || type == Character.SURROGATE) {
            return true;
        }
        if ((c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE) {
            return true; // non-characters (C.4)
        }
        return c == 0x06DD || c == 0x070F || c == 0x180E || c == 0x200E || c == 0x200F
                || (c >= 0x2028 && c <= 0x202E) || (c >= 0x2060 && c <= 0x2063) || (c >= 0x206A && c <= 0x206F)
                || (c >= 0x1D173 && c <= 0x1D17A) || (c >= 0x2FF0 && c <= 0x2FFB) || (c >= 0xFFF9 && c <= 0xFFFD)
                || c == 0x0340 || c == 0x0341 || c == 0xE0001 || (c >= 0xE0020 && c <= 0xE007F);
    }
}
