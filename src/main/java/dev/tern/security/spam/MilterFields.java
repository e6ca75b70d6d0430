package dev.tern.security.spam;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The header fields rspamd asks to add ({@code milter.add_headers} of its {@code /checkv2} answer,
 * what its {@code milter_headers} module makes: {@code X-Spamd-Result}, {@code X-Spamd-Bar},
 * {@code X-Rspamd-Queue-Id}…), as they may stand above a message's content. Postfix setups get them
 * through rspamd's milter; here they travel with the verdict.
 *
 * <p>An answer is a value from another program, so it is checked as one: a field name must be RFC
 * 5322 {@code ftext}; a value's line ends become CRLF, a line after the first starts with white
 * space (a line that does not is folded), blank lines and control characters go, characters
 * outside printable ASCII become {@code ?}, and a field with a line longer than RFC 5322's 998
 * octets is left out. Fields Tern writes itself or that vouch for a check ({@code X-Spam},
 * {@code X-Spam-Status}, {@code Authentication-Results}, signatures, trace fields) are not taken from
 * rspamd. Bounded: at most {@link #MAX_FIELDS} fields and {@link #MAX_OCTETS} octets in all.
 */
final class MilterFields {

    static final int MAX_FIELDS = 32;
    static final int MAX_OCTETS = 32 * 1024;
    private static final int MAX_LINE = 998;

    /** Written by Tern, or statements a reader trusts only from its own server. */
    private static final Set<String> NOT_TAKEN = Set.of("x-spam", "x-spam-status", "authentication-results",
            "arc-seal", "arc-message-signature", "arc-authentication-results", "dkim-signature", "received",
            "return-path", "delivered-to");

    private MilterFields() {
    }

    /**
     * The fields of {@code addHeaders} (an object of field names, each with a string, an object with
     * a {@code value}, or an array of those), each ending in CRLF; empty when there are none.
     */
    static String toAdd(JsonNode addHeaders) {
        if (addHeaders == null || !addHeaders.isObject()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        int fields = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = addHeaders.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            if (!validName(name) || NOT_TAKEN.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            JsonNode values = entry.getValue();
            for (JsonNode value : values.isArray() ? values : java.util.List.of(values)) {
                String text = value.isTextual() ? value.asText()
                        : value.path("value").isTextual() ? value.path("value").asText() : null;
                String field = text == null ? null : field(name, text);
                if (field == null) {
                    continue;
                }
                if (fields == MAX_FIELDS || out.length() + field.length() > MAX_OCTETS) {
                    return out.toString();
                }
                out.append(field);
                fields++;
            }
        }
        return out.toString();
    }

    private static boolean validName(String name) {
        return dev.tern.message.HeaderNames.isValid(name, 76);
    }

    /** {@code Name: value} and CRLF, folded as rspamd folded it; null when it cannot stand in a header. */
    static String field(String name, String value) {
        StringBuilder out = new StringBuilder(name.length() + value.length() + 8).append(name).append(':');
        boolean first = true;
        for (String raw : value.split("\r\n|\r|\n", -1)) {
            String line = printable(raw);
            if (line.isBlank()) {
                continue;
            }
            if (first) {
                out.append(' ').append(line.stripLeading());
                first = false;
            } else {
                out.append("\r\n").append(line.charAt(0) == ' ' || line.charAt(0) == '\t' ? line : "\t" + line);
            }
        }
        if (first) {
            return null;    // an empty value
        }
        String field = out.append("\r\n").toString();
        int lineStart = 0;
        for (int end = field.indexOf("\r\n"); end >= 0; end = field.indexOf("\r\n", lineStart)) {
            if (end - lineStart > MAX_LINE) {
                return null;
            }
            lineStart = end + 2;
        }
        return field;
    }

    /** Printable ASCII and tabs kept, other control characters dropped, anything else {@code ?}. */
    private static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\t' || (c >= 0x20 && c < 0x7f)) {
                out.append(c);
            } else if (c >= 0x80 && !Character.isLowSurrogate(c)) {
                out.append('?');
            }
        }
        return out.toString();
    }
}
