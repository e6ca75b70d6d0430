package dev.tern.imap.protocol;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A body section specifier (RFC 9051 §6.4.5): a part path ({@code 1.2}, empty for the whole
 * message) and what of that part: all of it, its HEADER, some HEADER.FIELDS (.NOT), its TEXT or
 * its MIME header.
 *
 * @param part   part numbers from 1, outermost first; empty for the message itself
 * @param text   which piece of the part
 * @param fields header field names for HEADER.FIELDS and HEADER.FIELDS.NOT (as written), else empty
 */
public record Section(List<Integer> part, Text text, List<String> fields) {

    public enum Text { ALL, HEADER, HEADER_FIELDS, HEADER_FIELDS_NOT, TEXT, MIME }

    public static final Section WHOLE = new Section(List.of(), Text.ALL, List.of());

    public Section {
        part = List.copyOf(part);
        fields = List.copyOf(fields);
    }

    public static Section of(Text text, Integer... part) {
        return new Section(List.of(part), text, List.of());
    }

    static String partPath(List<Integer> part) {
        return part.stream().map(String::valueOf).collect(Collectors.joining("."));
    }

    /** The wire form between the brackets, e.g. {@code 1.2.HEADER.FIELDS (From To)}. */
    @Override
    public String toString() {
        String path = partPath(part);
        String suffix = switch (text) {
            case ALL -> "";
            case HEADER_FIELDS -> "HEADER.FIELDS (" + String.join(" ", fields.stream()
                    .map(f -> f.toUpperCase(Locale.ROOT)).toList()) + ")";
            case HEADER_FIELDS_NOT -> "HEADER.FIELDS.NOT (" + String.join(" ", fields.stream()
                    .map(f -> f.toUpperCase(Locale.ROOT)).toList()) + ")";
            default -> text.name();
        };
        if (path.isEmpty() || suffix.isEmpty()) {
            return path + suffix;
        }
        return path + "." + suffix;
    }
}
