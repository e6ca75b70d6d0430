package dev.tern.mail;

/**
 * Validates RFC 5321 §4.1.2 mailboxes ({@code Local-part "@" ( Domain / address-literal )}),
 * extended by RFC 6531 to UTF-8 in atoms and domain labels.
 */
final class AddressParser {

    private static final int MAX_LOCAL_PART = 64;   // RFC 5321 §4.5.3.1.1
    private static final int MAX_DOMAIN = 255;      // RFC 5321 §4.5.3.1.2

    private AddressParser() {
    }

    static MailAddress parseMailbox(String text) {
        int at = text.lastIndexOf('@');
        if (at <= 0 || at == text.length() - 1) {
            throw new IllegalArgumentException("an address needs a local part and a domain: local@domain");
        }
        String local = text.substring(0, at);
        String domain = text.substring(at + 1);
        checkLocalPart(local);
        checkDomain(domain);
        return MailAddress.of(local.startsWith("\"") ? withoutNeedlessQuotes(local) : local, domain);
    }

    /**
     * A quoted local part whose content is a plain dot-string in that form: the quotes are
     * "semantically invisible" (RFC 5322 §3.2.4), so {@code "alice"@example.org} is alice's
     * mailbox, as Postfix reads it. One that needs them (a space, a second @) keeps them.
     */
    private static String withoutNeedlessQuotes(String quoted) {
        StringBuilder content = new StringBuilder(quoted.length());
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c == '\\') {
                i++;
                c = quoted.charAt(i);
            }
            content.append(c);
        }
        String plain = content.toString();
        try {
            if (!plain.isEmpty()) {
                checkDotString(plain);
                return plain;
            }
        } catch (IllegalArgumentException e) {
            // it needs its quotes
        }
        return quoted;
    }

    private static void checkLocalPart(String local) {
        if (local.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LOCAL_PART) {
            throw new IllegalArgumentException("local part longer than 64 octets");
        }
        if (local.startsWith("\"")) {
            checkQuotedString(local);
            return;
        }
        checkDotString(local);
    }

    /** Dot-string = Atom *("." Atom). */
    private static void checkDotString(String local) {
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            throw new IllegalArgumentException("local part has a misplaced dot");
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c != '.' && !isAtext(c)) {
                throw new IllegalArgumentException("character not allowed in local part: " + printable(c));
            }
        }
    }

    private static void checkQuotedString(String local) {
        if (local.length() < 2 || !local.endsWith("\"")) {
            throw new IllegalArgumentException("unterminated quoted local part");
        }
        for (int i = 1; i < local.length() - 1; i++) {
            char c = local.charAt(i);
            if (c == '\\') {
                i++;
                if (i >= local.length() - 1 || local.charAt(i) < 32 || local.charAt(i) == 127) {
                    throw new IllegalArgumentException("bad escape in quoted local part");
                }
            } else if (c == '"' || c < 32 || c == 127) {
                throw new IllegalArgumentException("character not allowed in quoted local part: " + printable(c));
            }
        }
    }

    static void checkDomain(String domain) {
        if (domain.startsWith("[")) {
            checkAddressLiteral(domain);
            return;
        }
        if (domain.length() > MAX_DOMAIN) {
            throw new IllegalArgumentException("domain longer than 255 characters");
        }
        String[] labels = domain.split("\\.", -1);
        for (String label : labels) {
            if (label.isEmpty()) {
                throw new IllegalArgumentException("domain has an empty label");
            }
            if (label.length() > 63) {
                throw new IllegalArgumentException("domain label longer than 63 characters");
            }
            if (label.startsWith("-") || label.endsWith("-")) {
                throw new IllegalArgumentException("domain label starts or ends with a hyphen");
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '-' || (c >= 0x80 && !Character.isWhitespace(c) && !Character.isISOControl(c));
                if (!ok) {
                    throw new IllegalArgumentException("character not allowed in domain: " + printable(c));
                }
            }
            if (!MailAddress.isAscii(label)) {
                IdnaLabelCheck.check(label);
            }
        }
    }

    private static void checkAddressLiteral(String domain) {
        if (!domain.endsWith("]") || domain.length() < 3) {
            throw new IllegalArgumentException("unterminated address literal");
        }
        if (!AddressLiteral.isValid(domain)) {
            throw new IllegalArgumentException("malformed address literal");
        }
    }

    /** atext of RFC 5322 §3.2.3, plus any non-ASCII character (RFC 6531 §3.3). */
    private static boolean isAtext(char c) {
        if (c >= 0x80) {
            return !Character.isWhitespace(c) && !Character.isISOControl(c);
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    private static String printable(char c) {
        return c < 32 || c == 127 ? String.format("0x%02X", (int) c) : "'" + c + "'";
    }
}
