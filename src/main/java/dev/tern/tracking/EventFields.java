package dev.tern.tracking;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/** The fields of an event as stored: one JSON object of strings (what a webhook would send). */
final class EventFields {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> MAP = new TypeReference<>() {
    };

    private EventFields() {
    }

    /**
     * Written by hand rather than by Jackson: this runs for every event inside the store's write
     * transaction (on the embedded store's single writer thread), and a flat object of strings
     * needs no more than the escaping of RFC 8259 §7. {@link #fromJson} reads it back with Jackson.
     */
    static String toJson(Map<String, String> fields) {
        if (fields.isEmpty()) {
            return "{}";
        }
        StringBuilder b = new StringBuilder(32 * fields.size());
        b.append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : fields.entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            string(b, e.getKey());
            b.append(':');
            if (e.getValue() == null) {
                b.append("null");
            } else {
                string(b, e.getValue());
            }
        }
        return b.append('}').toString();
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        if (plain(s)) {
            b.append(s).append('"');    // most values: appended whole rather than a character at a time
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /** Whether a string needs no escaping. */
    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || c == 0x2028 || c == 0x2029) {
                return false;
            }
        }
        return true;
    }

    /** The stored fields; an unreadable row (written by a later version, say) reads as none. */
    static Map<String, String> fromJson(String json) {
        try {
            return JSON.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}
