package dev.tern.security.authresults;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds one Authentication-Results header field (RFC 8601 §2.2), one method result per folded
 * line:
 * <pre>
 * Authentication-Results: mx.example.org;
 *         spf=pass (matched ip4:192.0.2.0/24) smtp.mailfrom=sender@example.com;
 *         dkim=pass header.d=example.com header.s=sel header.b=AbCdEf12;
 *         dmarc=pass (p=reject) header.from=example.com
 * </pre>
 * Everything that comes from outside (domains, addresses, reasons) is made safe for the header:
 * property values that are not tokens are quoted, comments lose characters that would end them,
 * and control characters never get through.
 */
public final class AuthenticationResults {

    private static final int MAX_COMMENT = 200;
    private static final int MAX_VALUE = 255;

    private final String authservId;
    private final List<String> results = new ArrayList<>();

    /** @param authservId the name of this server as a verifier (RFC 8601 §2.5), usually its host name */
    public AuthenticationResults(String authservId) {
        if (authservId == null || authservId.isBlank() || !isToken(authservId)) {
            throw new IllegalArgumentException("an authserv-id must be a non-empty token: " + authservId);
        }
        this.authservId = authservId;
    }

    /**
     * Adds a method result.
     *
     * @param method     spf, dkim, dmarc, iprev…
     * @param result     pass, fail, none…
     * @param reason     a short explanation written as a comment, or null
     * @param properties alternating property names and values ({@code "smtp.mailfrom", "a@b"}); a
     *                   null value leaves the property out
     */
    public AuthenticationResults add(String method, String result, String reason, String... properties) {
        if (properties.length % 2 != 0) {
            throw new IllegalArgumentException("properties come in name/value pairs");
        }
        StringBuilder sb = new StringBuilder(method).append('=').append(result);
        if (reason != null && !reason.isBlank()) {
            sb.append(" (").append(comment(reason)).append(')');
        }
        for (int i = 0; i < properties.length; i += 2) {
            if (properties[i + 1] != null && !properties[i + 1].isEmpty()) {
                sb.append(' ').append(properties[i]).append('=').append(value(properties[i + 1]));
            }
        }
        results.add(sb.toString());
        return this;
    }

    /** The header field, folded and ending in CRLF; {@code none} when no method ran (RFC 8601 §2.2). */
    public String headerField() {
        StringBuilder sb = new StringBuilder("Authentication-Results: ").append(authservId);
        if (results.isEmpty()) {
            return sb.append("; none\r\n").toString();
        }
        for (String r : results) {
            sb.append(";\r\n\t").append(r);
        }
        return sb.append("\r\n").toString();
    }

    public String authservId() {
        return authservId;
    }

    /** A property value: a token as it is, an address or anything else as a quoted string. */
    static String value(String v) {
        String s = v.length() > MAX_VALUE ? v.substring(0, MAX_VALUE) : v;
        if (isToken(s)) {
            return s;
        }
        int at = s.lastIndexOf('@');
        if (at > 0 && isToken(s.substring(at + 1)) && isDotAtom(s.substring(0, at))) {
            return s;   // local-part "@" domain-name (RFC 8601 §2.2 pvalue)
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                continue;
            }
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    /** Comment text: no parentheses, backslashes or control characters, bounded. */
    static String comment(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && sb.length() < MAX_COMMENT; i++) {
            char c = text.charAt(i);
            if (c == '(' || c == ')' || c == '\\') {
                sb.append(c == '(' ? '[' : c == ')' ? ']' : '/');
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(' ');
            } else {
                sb.append(c);
            }
        }
        return sb.toString().trim();
    }

    /** RFC 2045 token: printable ASCII without SP and tspecials. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?=".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDotAtom(String s) {
        if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean atext = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-/=?^_`{|}~.".indexOf(c) >= 0;
            if (!atext) {
                return false;
            }
        }
        return true;
    }
}
