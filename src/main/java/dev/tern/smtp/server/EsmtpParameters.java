package dev.tern.smtp.server;

import dev.tern.mail.DsnRet;
import dev.tern.mail.MailAddress;
import dev.tern.smtp.server.SmtpCommandParser.ParseFailure;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The ESMTP parameters after a MAIL FROM or RCPT TO path (RFC 5321 §4.1.2 {@code esmtp-param}).
 * MAIL: SIZE (RFC 1870), BODY (RFC 6152, RFC 3030), SMTPUTF8 (RFC 6531), RET and ENVID (RFC 3461),
 * REQUIRETLS (RFC 8689; the session refuses it outside TLS),
 * AUTH (RFC 4954 §5: checked for syntax, then ignored: Tern is the first hop of an authenticated
 * message and takes the identity from the session's own AUTH, never from a client's claim).
 * RCPT: NOTIFY and ORCPT (RFC 3461; RFC 6533 for UTF-8 addresses). A parameter Tern does not
 * offer gets 555 5.5.4 (RFC 5321 §4.1.1.11); a known one with a bad value, or given twice with
 * different values, gets 501 5.5.4.
 */
final class EsmtpParameters {

    private static final Pattern KEYWORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*");
    private static final Pattern ADDR_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,20}");
    private static final int MAX_ENVID = 100;   // RFC 3461 §4.4
    private static final int MAX_ORCPT = 500;   // RFC 3461 §4.2
    private static final String UTF8_ADDR_TYPE = "utf-8";   // RFC 6533 §3
    private static final Set<String> NOTIFY_VALUES = Set.of("NEVER", "SUCCESS", "FAILURE", "DELAY");

    private EsmtpParameters() {
    }

    static SmtpCommand.Mail mail(MailAddress sender, String text) {
        long size = -1;
        BodyType body = null;
        boolean smtpUtf8 = false;
        DsnRet ret = null;
        String envId = null;
        boolean requireTls = false;
        for (Map.Entry<String, String> p : split(text).entrySet()) {
            String value = p.getValue();
            switch (p.getKey()) {
                case "SIZE" -> size = size(value);
                case "BODY" -> body = body(value);
                case "SMTPUTF8" -> smtpUtf8 = flag("SMTPUTF8", value);
                case "RET" -> ret = ret(value);
                case "ENVID" -> envId = xtext("ENVID", value, MAX_ENVID);
                case "REQUIRETLS" -> requireTls = flag("REQUIRETLS", value);
                case "AUTH" -> authParameter(value);
                default -> throw unsupported(p.getKey());
            }
        }
        return new SmtpCommand.Mail(sender, size, body, smtpUtf8, ret, envId, requireTls);
    }

    static SmtpCommand.Rcpt rcpt(MailAddress recipient, String text) {
        Set<String> notify = Set.of();
        String orcpt = null;
        for (Map.Entry<String, String> p : split(text).entrySet()) {
            switch (p.getKey()) {
                case "NOTIFY" -> notify = notify(p.getValue());
                case "ORCPT" -> orcpt = orcpt(p.getValue());
                default -> throw unsupported(p.getKey());
            }
        }
        return new SmtpCommand.Rcpt(recipient, notify, orcpt);
    }

    /** keyword (upper case) to value (null when the parameter has no "="), in order given. */
    private static Map<String, String> split(String text) {
        Map<String, String> params = new LinkedHashMap<>();
        if (text.isEmpty()) {
            return params;
        }
        for (String token : text.split(" +")) {
            int eq = token.indexOf('=');
            String keyword = eq < 0 ? token : token.substring(0, eq);
            String value = eq < 0 ? null : token.substring(eq + 1);
            if (!KEYWORD.matcher(keyword).matches() || (value != null && !isEsmtpValue(value))) {
                throw bad("Error: malformed parameter " + token);
            }
            keyword = keyword.toUpperCase(Locale.ROOT);
            if (params.containsKey(keyword)) {
                // The same parameter repeated with the same value is harmless (Python's smtplib
                // adds SMTPUTF8 again when the caller already gave it); a conflicting one is not.
                if (java.util.Objects.equals(params.get(keyword), value)) {
                    continue;
                }
                throw bad("Error: parameter " + keyword + " given twice with different values");
            }
            params.put(keyword, value);
        }
        return params;
    }

    /** RFC 5321 esmtp-value: 1*(%d33-60 / %d62-126), plus UTF-8 by RFC 6531. */
    private static boolean isEsmtpValue(String v) {
        if (v.isEmpty()) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 33 || c == '=' || c == 127) {
                return false;
            }
        }
        return true;
    }

    private static long size(String value) {
        if (value == null || !DIGITS.matcher(value).matches()) {
            throw bad("Error: SIZE needs a number of octets");
        }
        // Too large for a long is certainly too large for us: keep it comparable.
        return value.length() > 18 ? Long.MAX_VALUE : Long.parseLong(value);
    }

    private static BodyType body(String value) {
        BodyType t = value == null ? null : BodyType.fromKeyword(value);
        if (t == null) {
            throw bad("Error: BODY must be 7BIT, 8BITMIME or BINARYMIME");
        }
        return t;
    }

    private static boolean flag(String keyword, String value) {
        if (value != null) {
            throw bad("Error: " + keyword + " takes no value");
        }
        return true;
    }

    /** RFC 4954 §5: {@code AUTH=<>} or {@code AUTH=xtext-mailbox}. */
    private static void authParameter(String value) {
        if (value == null || !value.equals("<>") && !isXtext(value)) {
            throw bad("Error: AUTH must be <> or an xtext address (RFC 4954 section 5)");
        }
    }

    private static DsnRet ret(String value) {
        if ("FULL".equalsIgnoreCase(value)) {
            return DsnRet.FULL;
        }
        if ("HDRS".equalsIgnoreCase(value)) {
            return DsnRet.HDRS;
        }
        throw bad("Error: RET must be FULL or HDRS");
    }

    private static Set<String> notify(String value) {
        if (value == null) {
            throw bad("Error: NOTIFY must be NEVER or a list of SUCCESS, FAILURE, DELAY");
        }
        Set<String> out = new LinkedHashSet<>();
        for (String v : value.split(",", -1)) {
            String u = v.toUpperCase(Locale.ROOT);
            if (!NOTIFY_VALUES.contains(u)) {
                throw bad("Error: NOTIFY must be NEVER or a list of SUCCESS, FAILURE, DELAY");
            }
            out.add(u);
        }
        if (out.contains("NEVER") && out.size() > 1) {
            throw bad("Error: NOTIFY=NEVER cannot be combined with other values");
        }
        return out;
    }

    /**
     * RFC 3461 §4.2: {@code addr-type ";" xtext}. RFC 6533 §3 adds, for the type {@code utf-8}, the
     * address with its UTF-8 as is ({@code utf-8-addr-unitext}); the session takes that form only in
     * an SMTPUTF8 transaction. The value is returned as received.
     */
    private static String orcpt(String value) {
        int semi = value == null ? -1 : value.indexOf(';');
        if (semi <= 0 || !ADDR_TYPE.matcher(value.substring(0, semi)).matches()) {
            throw bad("Error: ORCPT must be addr-type;address, e.g. rfc822;user@example.com");
        }
        String address = value.substring(semi + 1);
        if (!Utf8AddressText.isAscii(address)) {
            if (!value.substring(0, semi).equalsIgnoreCase(UTF8_ADDR_TYPE)) {
                throw bad("Error: an ORCPT address with UTF-8 is of type utf-8 (RFC 6533 section 3)");
            }
            if (!Utf8AddressText.isUnitext(address)) {
                throw bad("Error: ORCPT must be utf-8;address, with \\x{HEX} for what xtext cannot carry (RFC 6533 section 3)");
            }
            // What is stored and passed on is the 7-bit form: that one must fit the limit too.
            if (Utf8AddressText.toXtext(address).length() > MAX_ORCPT - semi - 1) {
                throw bad("Error: ORCPT is too long");
            }
            return value;
        }
        xtext("ORCPT", address, MAX_ORCPT - semi - 1);
        return value;
    }

    private static String xtext(String keyword, String value, int maxLength) {
        if (value == null || !isXtext(value)) {
            throw bad("Error: " + keyword + " must be xtext (RFC 3461 section 4)");
        }
        if (value.length() > maxLength) {
            throw bad("Error: " + keyword + " is too long");
        }
        return value;
    }

    /**
     * RFC 3461 §4: xchar is any of "!" to "~" except "+" and "="; "+" introduces two hex digits.
     * Lower-case hex digits are accepted too (the RFC asks senders for upper case).
     */
    static boolean isXtext(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                if (i + 2 >= s.length() || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            } else if (c < 33 || c > 126 || c == '=') {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
    }

    private static ParseFailure bad(String text) {
        return new ParseFailure(SmtpReply.of(501, "5.5.4", text));
    }

    private static ParseFailure unsupported(String keyword) {
        return new ParseFailure(SmtpReply.of(555, "5.5.4", "Error: unsupported parameter " + keyword));
    }
}
