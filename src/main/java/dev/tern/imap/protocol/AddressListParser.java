package dev.tern.imap.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads an address list header (From, To, Cc…; RFC 5322 §3.4) into ENVELOPE addresses, leniently
 * and without decoding: IMAP wants display names as they appear (quotes and comments removed,
 * encoded words kept), which is why Mime4j's address parser, which decodes, is not used here.
 * Groups become start and end markers; a comment stands in for a missing display name when it
 * follows the address ({@code user@example.org (User Name)}), as Dovecot does. Never throws;
 * input that is not an address still yields a mailbox so the client sees something.
 */
final class AddressListParser {

    /** Far more than any real header has; keeps a hostile header from making a huge response. */
    static final int MAX_ADDRESSES = 1000;

    private final String s;
    private int pos;
    private final List<EnvelopeAddress> out = new ArrayList<>();

    private AddressListParser(String s) {
        this.s = s;
    }

    /** The addresses of a header value; an empty list when there are none. */
    static List<EnvelopeAddress> parse(String value) {
        AddressListParser p = new AddressListParser(value);
        p.list(false);
        return p.out;
    }

    private void list(boolean inGroup) {
        while (pos < s.length() && out.size() < MAX_ADDRESSES) {
            char c = s.charAt(pos);
            if (c == ',' || Character.isWhitespace(c)) {
                pos++;
            } else if (c == ';' && inGroup) {
                return;
            } else if (c == ';') {
                pos++;
            } else {
                address(inGroup);
            }
        }
    }

    private void address(boolean inGroup) {
        StringBuilder phrase = new StringBuilder();
        StringBuilder raw = new StringBuilder();
        String comment = null;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '"') {
                String q = quoted();
                separate(phrase).append(q);
                raw.append('"').append(q.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else if (c == '(') {
                String text = comment();
                if (raw.length() > 0) {
                    comment = text;
                }
            } else if (c == '<') {
                angleAddress(phrase.length() == 0 ? null : phrase.toString());
                skipTo(inGroup);
                return;
            } else if (c == ':' && !inGroup) {
                pos++;
                out.add(EnvelopeAddress.groupStart(phrase.toString()));
                list(true);
                if (pos < s.length() && s.charAt(pos) == ';') {
                    pos++;
                }
                out.add(EnvelopeAddress.groupEnd());
                return;
            } else if (c == ',' || c == ';') {
                break;
            } else {
                String word = word();
                separate(phrase).append(word);
                raw.append(word);
            }
        }
        if (raw.length() > 0) {
            out.add(mailbox(comment, null, raw.toString()));
        }
    }

    /** {@code <[@route,@route:]local@domain>} */
    private void angleAddress(String name) {
        pos++;
        StringBuilder spec = new StringBuilder();
        while (pos < s.length() && s.charAt(pos) != '>') {
            char c = s.charAt(pos);
            if (c == '"') {
                String q = quoted();
                spec.append('"').append(q.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else if (c == '(') {
                comment();
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else {
                spec.append(c);
                pos++;
            }
        }
        pos++;
        String addr = spec.toString();
        String adl = null;
        if (addr.startsWith("@")) {
            int colon = addr.indexOf(':');
            if (colon > 0) {
                adl = addr.substring(0, colon);
                addr = addr.substring(colon + 1);
            }
        }
        out.add(mailbox(name, adl, addr));
    }

    private static EnvelopeAddress mailbox(String name, String adl, String addrSpec) {
        int at = addrSpec.lastIndexOf('@');
        if (at < 0) {
            return new EnvelopeAddress(name, adl, addrSpec, null);
        }
        return new EnvelopeAddress(name, adl, addrSpec.substring(0, at), addrSpec.substring(at + 1));
    }

    /** After an angle address: skip anything up to the next separator. */
    private void skipTo(boolean inGroup) {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ',' || (c == ';' && inGroup)) {
                return;
            }
            if (c == '(') {
                comment();
            } else if (c == '"') {
                quoted();
            } else {
                pos++;
            }
        }
    }

    private String word() {
        int start = pos;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (Character.isWhitespace(c) || c == '"' || c == '(' || c == '<' || c == ',' || c == ';'
                    || c == ':' || c == '>' || c == ')') {
                break;
            }
            if (c == '[') {
                int close = s.indexOf(']', pos);
                pos = close < 0 ? s.length() : close + 1;
                continue;
            }
            pos++;
        }
        if (pos == start) {
            pos++;
            return s.substring(start, pos);
        }
        return s.substring(start, pos);
    }

    private String quoted() {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '"') {
                break;
            }
            if (c == '\\' && pos < s.length()) {
                c = s.charAt(pos++);
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** A comment, nested comments included; returns its text without the outer parentheses. */
    private String comment() {
        int depth = 0;
        StringBuilder sb = new StringBuilder();
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '\\' && pos < s.length()) {
                sb.append(s.charAt(pos++));
                continue;
            }
            if (c == '(') {
                if (depth++ == 0) {
                    continue;
                }
            } else if (c == ')') {
                if (--depth == 0) {
                    break;
                }
            }
            sb.append(c);
        }
        return sb.toString().strip();
    }

    private static StringBuilder separate(StringBuilder phrase) {
        if (phrase.length() > 0) {
            phrase.append(' ');
        }
        return phrase;
    }
}
