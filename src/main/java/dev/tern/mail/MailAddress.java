package dev.tern.mail;

import java.util.Locale;
import java.util.Objects;

/**
 * An RFC 5321 mailbox: local part and domain, as it appears in a MAIL FROM or RCPT TO path.
 *
 * <p>The local part keeps its case (RFC 5321 §2.4 lets the receiving host decide; Tern compares
 * local parts case-insensitively at lookup time, as Postfix and Dovecot do). The domain is kept
 * in lower case; an internationalised domain keeps its UTF-8 form (RFC 6531), and
 * {@link #asciiDomain()} gives its A-label form for DNS and for comparisons.
 */
public final class MailAddress {

    private final String localPart;
    private final String domain;
    /**
     * {@link #key()} and {@link #toString()}, made at first use: an address is asked for them many
     * times on its way (sets, logs, rows, events), and the key converts the domain (IDNA) each time.
     * Racy but harmless: each thread makes the same immutable string.
     */
    private String key;
    private String text;

    private MailAddress(String localPart, String domain) {
        this.localPart = localPart;
        this.domain = domain;
    }

    /** Builds an address from already validated parts. */
    public static MailAddress of(String localPart, String domain) {
        return new MailAddress(Objects.requireNonNull(localPart), domain.toLowerCase(Locale.ROOT));
    }

    /**
     * Parses {@code local@domain} (without angle brackets).
     *
     * @throws IllegalArgumentException with a human-readable reason when it is not a valid mailbox
     */
    public static MailAddress parse(String text) {
        return AddressParser.parseMailbox(text);
    }

    /**
     * Checks a domain or address literal as it may follow the {@code @} of an address, e.g. a hop
     * of a source route: the same rules as {@link #parse} applies to the domain of an address.
     *
     * @throws IllegalArgumentException with a human-readable reason when it is not valid
     */
    public static void checkDomain(String domain) {
        AddressParser.checkDomain(domain);
    }

    public String localPart() {
        return localPart;
    }

    public String domain() {
        return domain;
    }

    /** The domain in ASCII (IDNA A-labels): what DNS and domain tables are keyed by. */
    public String asciiDomain() {
        return toAsciiDomain(domain);
    }

    /** True when the local part or the domain needs SMTPUTF8 (RFC 6531) to be transmitted. */
    public boolean needsUtf8() {
        return !isAscii(localPart) || !isAscii(domain);
    }

    /** The form used as a lookup key: local part lower-cased, domain in A-labels. */
    public String key() {
        String k = key;
        if (k == null) {
            k = localPart.toLowerCase(Locale.ROOT) + "@" + asciiDomain();
            key = k;
        }
        return k;
    }

    /** The address without a {@code +tag} suffix in the local part, or this address if none. */
    public MailAddress withoutTag(char separator) {
        int i = localPart.indexOf(separator);
        if (i <= 0) {
            return this;
        }
        return new MailAddress(localPart.substring(0, i), domain);
    }

    public static String toAsciiDomain(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        if (isAscii(d) || d.startsWith("[")) {
            return d;
        }
        try {
            return Idna.toAscii(d);
        } catch (IllegalArgumentException e) {
            return d;
        }
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            t = localPart + "@" + domain;
            text = t;
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MailAddress other && key().equals(other.key());
    }

    @Override
    public int hashCode() {
        return key().hashCode();
    }
}
