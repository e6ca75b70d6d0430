package dev.tern.mail;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Refuses a non-ASCII domain label that is not an IDNA2008 U-label (RFC 5891, RFC 5892) in the
 * ways that would let it stand for another name. UTS #46 processing, which {@link Idna} follows as
 * browsers do, maps full-width and other compatibility characters to their plain forms, takes the
 * ideographic full stop and its kin for dots and drops soft hyphens and other invisible
 * characters: {@code ｆｕｚｚ.test}, {@code fuzz。test} and {@code fuzz.test} with a soft hyphen
 * (U+00AD) inside would all become {@code fuzz.test}, spellings of a hosted domain that no table of
 * domains knows about, and that IDNA2008 does not allow in a name at all.
 *
 * <p>Refused: label separators other than "." (only "." separates labels in mail, RFC 6531 §3.2),
 * characters that NFKC normalisation changes (IDNA2008 disallows them), joiners where no script
 * can use them, and anything else the conversion would change or drop. Upper case is accepted and
 * lower-cased. ß, final sigma and the joiners in their scripts are valid IDNA2008 and are kept
 * (non-transitional processing): {@code straße.de} is {@code xn--strae-oqa.de}, not
 * {@code strasse.de}.
 */
final class IdnaLabelCheck {

    /** IDEOGRAPHIC FULL STOP, FULLWIDTH FULL STOP, HALFWIDTH IDEOGRAPHIC FULL STOP: dots to UTS #46 (and IDNA2003). */
    private static final String OTHER_DOTS = "\u3002\uFF0E\uFF61";
    private static final int ZWNJ = 0x200C;
    private static final int ZWJ = 0x200D;

    private IdnaLabelCheck() {
    }

    /** @throws IllegalArgumentException when the label is refused, naming the character */
    static void check(String label) {
        label.codePoints().filter(cp -> OTHER_DOTS.indexOf(cp) >= 0).findFirst().ifPresent(cp -> {
            throw new IllegalArgumentException("domain uses " + name(cp) + " as a dot; only \".\" separates labels");
        });
        String lower = label.toLowerCase(Locale.ROOT);
        if (!isNfkc(label) || !isNfkc(lower)) {
            int cp = label.codePoints().filter(c -> {
                String s = Character.toString(c);
                return !isNfkc(s) || !isNfkc(s.toLowerCase(Locale.ROOT));
            }).findFirst().orElse(-1);
            throw new IllegalArgumentException(cp < 0
                    ? "domain is not in Unicode normalisation form NFC, as IDNA2008 requires"
                    : "domain has " + name(cp) + ", a compatibility character IDNA2008 does not allow");
        }
        checkJoiners(lower);
        checkConversionKeepsIt(lower);
    }

    /**
     * RFC 5892 appendix A.1 and A.2: a joiner follows a virama, or sits between letters of a
     * joining script; never after an ASCII character nor at the start of a label, where it would be
     * an invisible second spelling of an ASCII domain.
     */
    private static void checkJoiners(String label) {
        int before = -1;
        for (int i = 0; i < label.length(); ) {
            int cp = label.codePointAt(i);
            if ((cp == ZWNJ || cp == ZWJ) && before < 0x80) {
                throw new IllegalArgumentException("domain has " + name(cp)
                        + (before < 0 ? " at the start of a label" : " after an ASCII character")
                        + ", where IDNA2008 does not allow it");
            }
            before = cp;
            i += Character.charCount(cp);
        }
    }

    /**
     * What the conversion gives back must be the label itself; else it mapped or dropped something
     * (a soft hyphen, a variation selector, a Greek iota subscript).
     */
    private static void checkConversionKeepsIt(String label) {
        if (convertsToItself(label)) {
            return;
        }
        int end = 0;
        while (end < label.length()) {
            int cp = label.codePointAt(end);
            end += Character.charCount(cp);
            if (!convertsToItself(label.substring(0, end))) {
                throw new IllegalArgumentException("domain has " + name(cp)
                        + ", which IDNA2008 does not allow and IDNA conversion would change or drop");
            }
        }
        throw new IllegalArgumentException("domain has characters IDNA2008 does not allow");
    }

    private static boolean convertsToItself(String label) {
        String back;
        try {
            back = Idna.toUnicode(Idna.toAscii(label));
        } catch (IllegalArgumentException e) {
            // Not convertible at all: it maps onto no other name, and MailAddress keeps its text.
            return true;
        }
        return back.equals(label);
    }

    private static boolean isNfkc(String s) {
        return Normalizer.isNormalized(s, Normalizer.Form.NFKC);
    }

    private static String name(int cp) {
        return String.format("U+%04X", cp);
    }
}
