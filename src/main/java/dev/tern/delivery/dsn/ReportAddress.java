package dev.tern.delivery.dsn;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code address-type; address} values of report fields (RFC 3464 §2.3.1, §2.3.2) and the
 * Original-Envelope-Id (§2.2.1).
 *
 * <p>An address that is not ASCII is of type {@code utf-8} (RFC 6533 §3): raw UTF-8 in a
 * {@code message/global-delivery-status}, else with each character outside printable ASCII (and
 * {@code \ + =}) written {@code \x{HEX}}, so that the plain {@code message/delivery-status} stays ASCII.
 */
final class ReportAddress {

    private static final Pattern EMBEDDED_UNICODE = Pattern.compile("\\\\x\\{([0-9A-Fa-f]{2,6})\\}");

    private ReportAddress() {
    }

    /** Final-Recipient (and the sender's extension field): {@code rfc822; a@b} or {@code utf-8; …}. */
    static String typed(String address, boolean global) {
        String a = FieldText.singleLine(address, true, 998);
        if (FieldText.isAscii(a)) {
            return "rfc822; " + a;
        }
        return "utf-8; " + (global ? a : embeddedUnicode(a));
    }

    /**
     * Original-Recipient from a stored ORCPT {@code addr-type;xtext}: the address type as given and
     * the address decoded. A value that does not decode to text is shown still encoded.
     */
    static String original(String storedOrcpt, boolean global) {
        int semi = storedOrcpt.indexOf(';');
        String type = FieldText.singleLine(storedOrcpt.substring(0, semi), false, 40);
        String encoded = FieldText.singleLine(storedOrcpt.substring(semi + 1), false, 500);
        String decoded = Xtext.decode(encoded);
        if (decoded == null || !decoded.equals(FieldText.singleLine(decoded, true, 500))) {
            return type + "; " + encoded;
        }
        if (FieldText.isAscii(decoded)) {
            // A utf-8 address arrives, and is stored, in its 7-bit form (RFC 6533 §3): a global
            // report may show its characters themselves, as it shows other UTF-8 addresses.
            return type + "; " + (global && type.equalsIgnoreCase("utf-8") ? withUnicodeShown(decoded) : decoded);
        }
        // Octets beyond ASCII in an ORCPT are a UTF-8 address: RFC 6533 gives it its own type.
        return "utf-8; " + (global ? decoded : embeddedUnicode(decoded));
    }

    /** Original-Envelope-Id from a stored ENVID (xtext): decoded when it is text the field may hold. */
    static String envelopeId(String storedEnvId, boolean global) {
        String encoded = FieldText.singleLine(storedEnvId, false, 100);
        String decoded = Xtext.decode(encoded);
        if (decoded == null || decoded.isEmpty() || !decoded.equals(FieldText.singleLine(decoded, global, 100))) {
            return encoded;
        }
        return decoded;
    }

    /**
     * RFC 6533 §3 utf-8-addr-xtext to utf-8-addr-unitext: each {@code \x{HEXPOINT}} of a printable
     * character beyond ASCII becomes that character; those of ASCII characters (space, backslash,
     * {@code + =}, controls) stay escaped, as the unitext form keeps them.
     */
    static String withUnicodeShown(String xtext) {
        return EMBEDDED_UNICODE.matcher(xtext).replaceAll(m -> {
            int cp = Integer.parseInt(m.group(1), 16);
            boolean printable = cp >= 0x80 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF)
                    && !Character.isWhitespace(cp) && !Character.isISOControl(cp) && cp != 0xFEFF;
            return Matcher.quoteReplacement(printable ? Character.toString(cp) : m.group());
        });
    }

    /** RFC 6533 §3 utf-8-addr-xtext: QCHAR as is, everything else as {@code \x{HEXPOINT}}. */
    static String embeddedUnicode(String address) {
        StringBuilder b = new StringBuilder(address.length() + 16);
        address.codePoints().forEach(cp -> {
            boolean qchar = cp >= 0x21 && cp <= 0x7E && cp != '\\' && cp != '+' && cp != '=';
            if (qchar) {
                b.append((char) cp);
            } else {
                b.append("\\x{").append(String.format("%02X", cp)).append('}');
            }
        });
        return b.toString();
    }
}
