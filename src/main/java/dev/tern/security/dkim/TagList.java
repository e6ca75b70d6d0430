package dev.tern.security.dkim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tag=value lists of RFC 6376 §3.2, the syntax of both {@code DKIM-Signature:} fields and key
 * records: {@code tag=value} pairs separated by semicolons, whitespace and folding allowed around
 * tags, values and separators, a semicolon at the end allowed.
 *
 * <p>Values keep their inner whitespace (base64 values may be folded anywhere; the caller removes
 * it where the tag allows it) and lose the whitespace around them. Tag names are case-sensitive.
 */
final class TagList {

    private TagList() {
    }

    /**
     * The tags of a list, in order.
     *
     * @throws IllegalArgumentException on a syntax error or a tag given twice, with a message that
     *                                  says which (RFC 6376 §3.2 makes both invalid)
     */
    static Map<String, String> parse(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        String[] specs = text.split(";", -1);
        for (int i = 0; i < specs.length; i++) {
            String spec = specs[i];
            if (isBlank(spec)) {
                if (i == specs.length - 1) {
                    break;
                }
                throw new IllegalArgumentException("empty tag in tag list");
            }
            int eq = spec.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("tag without \"=\": " + abbreviate(trim(spec)));
            }
            String name = trim(spec.substring(0, eq));
            if (!isTagName(name)) {
                throw new IllegalArgumentException("invalid tag name \"" + abbreviate(name) + "\"");
            }
            if (tags.put(name, trim(spec.substring(eq + 1))) != null) {
                throw new IllegalArgumentException("tag " + name + "= appears twice");
            }
        }
        return Collections.unmodifiableMap(tags);
    }

    /**
     * The tags that can be read from a list that may be invalid or cut short: each well-formed
     * {@code tag=value} once, the rest skipped. Only for describing a signature that is rejected anyway.
     */
    static Map<String, String> parseLeniently(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String spec : text.split(";")) {
            int eq = spec.indexOf('=');
            if (eq > 0) {
                String name = trim(spec.substring(0, eq));
                if (isTagName(name)) {
                    tags.putIfAbsent(name, trim(spec.substring(eq + 1)));
                }
            }
        }
        return tags;
    }

    /** A value with all whitespace (folding included) removed, as base64 values are read. */
    static String withoutWhitespace(String value) {
        StringBuilder b = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isFws(c)) {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** ALPHA *(ALPHA / DIGIT / "_") */
    static boolean isTagName(String name) {
        if (name.isEmpty() || !isAlpha(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '_') {
                return false;
            }
        }
        return true;
    }

    static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isFws(s.charAt(start))) {
            start++;
        }
        while (end > start && isFws(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isBlank(String s) {
        return trim(s).isEmpty();
    }

    private static boolean isFws(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static String abbreviate(String s) {
        return s.length() <= 20 ? s : s.substring(0, 20) + "…";
    }
}
