package dev.tern.mail;

import com.ibm.icu.text.IDNA;

import java.util.Locale;

/**
 * Domain names between their Unicode form and their ASCII form (A-labels, {@code xn--…}) as IDNA2008
 * has them (RFC 5890-5893), through UTS #46 non-transitional processing: the conversion browsers
 * and mail systems use today, and the one SMTPUTF8 refers to (RFC 6531 §3.2).
 *
 * <p>Not {@link java.net.IDN}: it implements IDNA2003, which maps ß to "ss", final sigma to sigma
 * and drops the two joiners, so that mail for {@code straße.de} would go to {@code strasse.de}, a
 * domain with another owner.
 */
public final class Idna {

    private static final IDNA UTS46 = IDNA.getUTS46Instance(IDNA.NONTRANSITIONAL_TO_ASCII
            | IDNA.NONTRANSITIONAL_TO_UNICODE | IDNA.CHECK_BIDI | IDNA.CHECK_CONTEXTJ);

    private Idna() {
    }

    /**
     * The ASCII form of a domain, lower case.
     *
     * @throws IllegalArgumentException when the name cannot be converted (a label that is not valid
     *                                  IDNA2008: a disallowed character, a joiner out of context,
     *                                  mixed directions, bad Punycode)
     */
    public static String toAscii(String domain) {
        if (MailAddress.isAscii(domain)) {
            return domain.toLowerCase(Locale.ROOT);   // as it is: ASCII names are checked where they are used
        }
        IDNA.Info info = new IDNA.Info();
        StringBuilder out = UTS46.nameToASCII(domain, new StringBuilder(), info);
        if (info.hasErrors()) {
            throw new IllegalArgumentException("\"" + domain + "\" is not a valid internationalized domain name: "
                    + info.getErrors());
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    /** The Unicode form of a domain, for display; the name as given when it cannot be converted. */
    public static String toUnicode(String domain) {
        IDNA.Info info = new IDNA.Info();
        StringBuilder out = UTS46.nameToUnicode(domain, new StringBuilder(), info);
        return info.hasErrors() ? domain : out.toString();
    }
}
