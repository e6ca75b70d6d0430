package dev.tern.sieve;

import dev.tern.message.HeaderNames;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The header section of a message as a Sieve run sees it, one immutable version of it: its
 * fields in order, each with its octets as they came (so a field no script touched is written
 * back exactly) and its value as tests read it (unfolded, encoded words decoded, RFC 5228 §5.7).
 * The editheader actions (RFC 5293) make new versions ({@link #add}, {@link #delete}); a version
 * stays as it was, so an action taken earlier in the run keeps the header of its moment.
 *
 * <p>Lines that are no field (no colon, or a continuation with nothing before it) are kept as
 * they came, where they came, and no test sees them.
 */
final class HeaderFields {

    /** What a field added by {@code addheader} may hold: octets of its value, as given (RFC 5293 §4). */
    static final int MAX_VALUE = 2048;
    /** The longest field name {@code addheader} writes. */
    static final int MAX_NAME = 200;
    /** Fields no script may add or delete (RFC 5293 §6); attempts are ignored without an error. */
    static final Set<String> PROTECTED = Set.of("received", "auto-submitted");

    /** A line longer than this (without its CRLF) is folded where the value has blanks (RFC 5322 §2.1.1). */
    private static final int FOLD_AT = 78;
    /** No line may be longer (RFC 5322 §2.1.1): a value that cannot be folded under it is encoded. */
    private static final int LINE_LIMIT = 998;
    /** Octets of UTF-8 in one encoded word: 45 octets are 60 of base64, with "=?UTF-8?B?" and "?=" 72. */
    private static final int WORD_OCTETS = 45;
    private static final Pattern LINE_BREAKS = Pattern.compile("[ \\t]*(?:\\r\\n|\\r|\\n)[ \\t]*");

    /**
     * One field, or one line that is none.
     *
     * @param name  the name as written; null for a line that is no field
     * @param key   the name in lower case, what tests look it up by; null for a line that is no field
     * @param value what tests read: unfolded, encoded words decoded, blanks around it dropped
     * @param raw   its octets, folded lines and the line end included
     * @param trace whether it is one of the fields this server wrote at reception (above the message)
     */
    record Field(String name, String key, String value, byte[] raw, boolean trace) {
    }

    private final List<Field> fields;

    private HeaderFields(List<Field> fields) {
        this.fields = fields;
    }

    /**
     * Reads a header section (without the empty line that ends it).
     *
     * @param traceOctets how many octets at its start are the trace fields written at reception
     */
    static HeaderFields parse(byte[] header, int traceOctets) {
        List<Field> out = new ArrayList<>();
        int start = 0;
        while (start < header.length) {
            int end = lineEnd(header, start);
            // continuation lines belong to the field above
            while (end < header.length && (header[end] == ' ' || header[end] == '\t')) {
                end = lineEnd(header, end);
            }
            out.add(field(java.util.Arrays.copyOfRange(header, start, end), start < traceOctets));
            start = end;
        }
        return new HeaderFields(List.copyOf(out));
    }

    /** The offset after the line feed ending the line that starts at {@code from}, or the end. */
    private static int lineEnd(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return bytes.length;
    }

    private static Field field(byte[] raw, boolean trace) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        int firstBreak = text.indexOf('\n');
        if (colon <= 0 || (firstBreak >= 0 && colon > firstBreak) || text.charAt(0) == ' ' || text.charAt(0) == '\t') {
            return new Field(null, null, null, raw, trace);
        }
        String name = text.substring(0, colon).trim();
        if (name.isEmpty()) {
            return new Field(null, null, null, raw, trace);
        }
        // unfolding removes the line breaks only (RFC 5322 §2.2.3)
        String unfolded = text.substring(colon + 1).replace("\r", "").replace("\n", "");
        String value = DecoderUtil.decodeEncodedWords(unfolded.strip(), DecodeMonitor.SILENT);
        return new Field(name, name.toLowerCase(Locale.ROOT), value, raw, trace);
    }

    /** Every value of a field, in order; the name in any case. */
    List<String> values(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        for (Field f : fields) {
            if (key.equals(f.key())) {
                out.add(f.value());
            }
        }
        return out;
    }

    /** The names of the fields, lower case, each once, in order of first appearance. */
    List<String> names() {
        Set<String> out = new LinkedHashSet<>();
        for (Field f : fields) {
            if (f.key() != null) {
                out.add(f.key());
            }
        }
        return new ArrayList<>(out);
    }

    List<Field> fields() {
        return Collections.unmodifiableList(fields);
    }

    /** Whether a name may be a field's: printable US-ASCII but the colon (RFC 5322 §3.6.8 ftext). */
    static boolean isFieldName(String name) {
        return HeaderNames.isValid(name, Integer.MAX_VALUE);
    }

    static boolean isProtected(String name) {
        return PROTECTED.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * This header with a new field at the top, or with {@code last} at the bottom (RFC 5293 §4).
     *
     * @throws IllegalArgumentException a name that is none, or a value with control characters or
     *                                  longer than {@link #MAX_VALUE}
     */
    HeaderFields add(String name, String value, boolean last) {
        Field f = newField(name, value);
        List<Field> out = new ArrayList<>(fields.size() + 1);
        if (!last) {
            out.add(f);
        }
        out.addAll(fields);
        if (last) {
            out.add(f);
        }
        return new HeaderFields(List.copyOf(out));
    }

    /**
     * This header without the occurrences of a field at these positions (from 0 at the top, among
     * the fields of that name).
     */
    HeaderFields delete(String name, Set<Integer> positions) {
        String key = name.toLowerCase(Locale.ROOT);
        List<Field> out = new ArrayList<>(fields.size());
        int position = 0;
        for (Field f : fields) {
            if (key.equals(f.key()) && positions.contains(position++)) {
                continue;
            }
            out.add(f);
        }
        return out.size() == fields.size() ? this : new HeaderFields(List.copyOf(out));
    }

    /** The header section's octets (without the empty line that ends it); the trace fields left out if asked. */
    byte[] bytes(boolean withTrace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean open = false;
        for (Field f : fields) {
            if (withTrace || !f.trace()) {
                if (open) {
                    out.writeBytes(new byte[]{'\r', '\n'});   // a message that ended in its last field, now not last
                }
                out.writeBytes(f.raw());
                open = f.raw().length == 0 || f.raw()[f.raw().length - 1] != '\n';
            }
        }
        return out.toByteArray();
    }

    /**
     * The fields put above {@code original} when they are all that changed, written out; null
     * when anything else changed (a field deleted, or one added lower down).
     */
    String prependedTo(HeaderFields original) {
        int added = fields.size() - original.fields.size();
        if (added < 0 || !fields.subList(added, fields.size()).equals(original.fields)) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (Field f : fields.subList(0, added)) {
            out.append(new String(f.raw(), StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    // ---- writing a new field --------------------------------------------------------------------

    private static Field newField(String name, String value) {
        if (!isFieldName(name)) {
            throw new IllegalArgumentException("\"" + printable(name) + "\" is not a header field name");
        }
        if (name.length() > MAX_NAME) {
            throw new IllegalArgumentException("header field name longer than " + MAX_NAME + " characters");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE) {
            throw new IllegalArgumentException("value of " + name + " longer than " + MAX_VALUE + " octets");
        }
        // a line break would end the field and start another: it becomes a blank (RFC 5293 §4)
        String text = LINE_BREAKS.matcher(value).replaceAll(" ").strip();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new IllegalArgumentException("value of " + name + " has a control character");
            }
        }
        String written = write(name, text);
        return field(written.getBytes(StandardCharsets.UTF_8), false);
    }

    /** "Name: value" with its CRLF, folded at blanks, or as encoded words when it must be. */
    static String write(String name, String value) {
        boolean ascii = value.chars().allMatch(c -> c < 0x80);
        if (ascii && !looksEncoded(value)) {
            String folded = fold(name + ": " + value);
            if (folded.lines().allMatch(l -> l.length() <= LINE_LIMIT)) {
                return folded + "\r\n";
            }
        }
        return encoded(name, value) + "\r\n";
    }

    /** Whether a reader would take part of the text for an encoded word (RFC 2047 §2) and decode it. */
    private static boolean looksEncoded(String value) {
        int start = value.indexOf("=?");
        return start >= 0 && value.indexOf("?=", start + 2) >= 0;
    }

    /** Breaks a line before blanks so that each line is at most {@link #FOLD_AT} long where it can be. */
    private static String fold(String line) {
        // the pieces: the name with its colon, then each run of blanks with the word after it
        List<String> pieces = new ArrayList<>();
        int colon = line.indexOf(':');
        int start = 0;
        for (int i = colon + 1; i < line.length(); i++) {
            boolean blank = line.charAt(i) == ' ' || line.charAt(i) == '\t';
            char before = line.charAt(i - 1);
            if (blank && before != ' ' && before != '\t') {
                pieces.add(line.substring(start, i));
                start = i;
            }
        }
        pieces.add(line.substring(start));
        StringBuilder out = new StringBuilder(pieces.get(0));
        int length = out.length();
        for (String piece : pieces.subList(1, pieces.size())) {
            if (length + piece.length() > FOLD_AT && !piece.isBlank()) {
                out.append("\r\n");   // before a blank: the next line starts with it
                length = 0;
            }
            out.append(piece);
            length += piece.length();
        }
        return out.toString();
    }

    /**
     * The value as UTF-8 encoded words (RFC 2047), whole characters each, every line at most 76
     * characters when the name leaves room for one.
     */
    private static String encoded(String name, String value) {
        StringBuilder out = new StringBuilder(name).append(':');
        int length = out.length();
        int from = 0;
        while (from < value.length()) {
            // 12 characters of "=?UTF-8?B?" and "?=", a blank before; 3 octets are 4 of base64
            int room = (76 - length - 13) / 4 * 3;
            if (room < 6) {   // a character of four octets needs six
                out.append("\r\n");
                length = 0;
                room = WORD_OCTETS;
            }
            room = Math.min(room, WORD_OCTETS);
            int to = from;
            int octets = 0;
            while (to < value.length()) {
                int cp = value.codePointAt(to);
                int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
                if (octets + size > room) {
                    break;
                }
                octets += size;
                to += Character.charCount(cp);
            }
            String word = "=?UTF-8?B?" + Base64.getEncoder().encodeToString(
                    value.substring(from, to).getBytes(StandardCharsets.UTF_8)) + "?=";
            out.append(' ').append(word);
            length += 1 + word.length();
            from = to;
        }
        return out.toString();
    }

    private static String printable(String text) {
        String shown = text.length() > 60 ? text.substring(0, 60) + "…" : text;
        return shown.replaceAll("[\\x00-\\x1f\\x7f]", "?");
    }
}
