package dev.tern.auth.client;

import java.text.Normalizer;

/**
 * SASLprep (RFC 4013, a profile of stringprep, RFC 3454) for user names and passwords in SCRAM:
 * non-ASCII spaces become SPACE, characters "commonly mapped to nothing" are removed, the result
 * is NFKC-normalised, prohibited characters are refused, and the bidirectional rule is checked.
 *
 * <p>Unassigned code points are let through (RFC 3454 "queries"): the tables of RFC 3454 are
 * Unicode 3.2, and what Java calls unassigned depends on its Unicode version. For ASCII input
 * (almost every real password) the result is the input unchanged.
 */
public final class SaslPrep {

    private SaslPrep() {
    }

    /**
     * @throws IllegalArgumentException naming the offending character when the string has a
     *                                  prohibited character or breaks the bidirectional rule
     */
    public static String prepare(String s) {
        if (isPrintableAscii(s)) {
            return s;
        }
        StringBuilder mapped = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (mappedToNothing(cp)) {
                return;
            }
            mapped.appendCodePoint(nonAsciiSpace(cp) ? ' ' : cp);
        });
        String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        boolean randAl = false;
        boolean l = false;
        int[] cps = normalized.codePoints().toArray();
        for (int cp : cps) {
            if (prohibited(cp)) {
                throw new IllegalArgumentException(String.format("character U+%04X is not allowed (RFC 4013)", cp));
            }
            byte dir = Character.getDirectionality(cp);
            randAl |= dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT || dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
            l |= dir == Character.DIRECTIONALITY_LEFT_TO_RIGHT;
        }
        if (randAl && (l || !isRandAl(cps[0]) || !isRandAl(cps[cps.length - 1]))) {
            throw new IllegalArgumentException("mixes right-to-left and left-to-right text (RFC 3454 section 6)");
        }
        return normalized;
    }

    private static boolean isPrintableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    private static boolean isRandAl(int cp) {
        byte dir = Character.getDirectionality(cp);
        return dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT || dir == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
    }

    /** RFC 3454 table B.1. */
    private static boolean mappedToNothing(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x1806 || (cp >= 0x180B && cp <= 0x180D)
                || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
    }

    /** RFC 3454 table C.1.2 (U+200B is in B.1 as well and removed by it). */
    private static boolean nonAsciiSpace(int cp) {
        return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    /** RFC 4013 §2.3: tables C.1.2, C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9. */
    private static boolean prohibited(int cp) {
        int type = Character.getType(cp);
        if (type == Character.CONTROL || type == Character.PRIVATE_USE || type == Character.SURROGATE) {
            return true;  // C.2.1, C.2.2 (the Cc part), C.3, C.5
        }
        if (nonAsciiSpace(cp)) {
            return true;  // C.1.2
        }
        if (cp == 0x06DD || cp == 0x070F || cp == 0x180E || cp == 0x200C || cp == 0x200D || cp == 0x2028
                || cp == 0x2029 || (cp >= 0x2060 && cp <= 0x2063) || (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF
                || (cp >= 0xFFF9 && cp <= 0xFFFC) || (cp >= 0x1D173 && cp <= 0x1D17A)) {
            return true;  // C.2.2
        }
        if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
            return true;  // C.4
        }
        if ((cp >= 0xFFF9 && cp <= 0xFFFD) || (cp >= 0x2FF0 && cp <= 0x2FFB)) {
            return true;  // C.6, C.7
        }
        if (cp == 0x0340 || cp == 0x0341 || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E)) {
            return true;  // C.8
        }
        return cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F);  // C.9
    }
}
