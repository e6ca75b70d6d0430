package dev.tern.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Values and keys written back as TOML, to show the settings in effect in the file's own syntax. */
final class TomlText {

    private TomlText() {
    }

    /** A key: bare when TOML allows it (letters, digits, {@code _} and {@code -}), else quoted. */
    static String key(String name) {
        return !name.isEmpty() && name.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-'))
                ? name : string(name);
    }

    /** A basic string, with quotes, backslashes and control characters escaped (TOML 1.0 §String). */
    static String string(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04X", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** A value as the file wrote it. */
    static String of(JsonNode v) {
        if (v.isTextual()) {
            return string(v.asText());
        }
        if (v.isArray()) {
            return array(v, TomlText::of);
        }
        if (v.isObject()) {
            StringBuilder sb = new StringBuilder("{ ");
            String sep = "";
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                sb.append(sep).append(key(e.getKey())).append(" = ").append(of(e.getValue()));
                sep = ", ";
            }
            return sb.append(" }").toString();
        }
        return v.toString();   // numbers and booleans as TOML writes them
    }

    /** A default value, written as the file would write it; null for none. */
    static String ofDefault(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return string(s);
        }
        if (value instanceof Duration d) {
            return string(duration(d));
        }
        if (value instanceof List<?> list) {
            return array(list, TomlText::ofDefault);
        }
        return value.toString();   // Integer, Long, Boolean
    }

    /** {@code [a, b]}, each element written by {@code element}. */
    private static <T> String array(Iterable<T> elements, java.util.function.Function<? super T, String> element) {
        StringBuilder sb = new StringBuilder("[");
        String sep = "";
        for (T e : elements) {
            sb.append(sep).append(element.apply(e));
            sep = ", ";
        }
        return sb.append(']').toString();
    }

    /** {@code "30s"}, {@code "5m"}, {@code "1h"}, {@code "7d"}, {@code "250ms"}: the largest unit that divides it. */
    static String duration(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
