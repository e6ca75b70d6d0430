package dev.tern.milter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A message's header fields, read from its content, and the changes a filter asks for at the end
 * of the message applied to them: fields added at the end, inserted at a place, changed or
 * removed, and the body replaced. Fields nobody changed keep their bytes exactly.
 *
 * <p>Indexes follow Postfix: an insertion's index counts the server's own {@code Received:} field
 * above the message (which filters are not shown), so 0 and 1 both put a field at the top of what
 * the client sent; a change's index is the 1-based occurrence of the name among the fields the
 * filter was shown, and one past the last adds the field at the end.
 */
final class MessageEdit {

    /** The longest header section read as fields; past it, the rest is taken as body. */
    static final int MAX_HEADER = 1024 * 1024;

    /** One field: its name and its bytes as stored (name, colon, value, folds, the final CRLF). */
    record Field(String name, byte[] raw) {

        /** The value as a filter is shown it: after the colon, one leading space taken away unless asked for, lines joined by LF. */
        byte[] value(boolean leadingSpace) {
            int colon = name.length();
            while (raw[colon] != ':') {
                colon++;
            }
            int start = colon + 1;
            if (!leadingSpace && start < raw.length && raw[start] == ' ') {
                start++;
            }
            int end = raw.length;
            if (end >= 2 && raw[end - 2] == '\r' && raw[end - 1] == '\n') {
                end -= 2;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(end - start);
            for (int i = start; i < end; i++) {
                if (raw[i] == '\r' && i + 1 < end && raw[i + 1] == '\n') {
                    continue;   // CRLF inside a folded field becomes LF, as Sendmail shows it
                }
                out.write(raw[i]);
            }
            return out.toByteArray();
        }

        /** A field made from a filter's name and value: LF or CRLF line ends become CRLF folds. */
        static Field of(String name, String value, boolean leadingSpace) {
            String v = value.replace("\r\n", "\n").replace("\r", "").replace("\0", "");
            StringBuilder sb = new StringBuilder(name).append(':');
            if (!leadingSpace && !v.isEmpty()) {
                sb.append(' ');
            }
            String[] lines = v.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (i > 0) {
                    sb.append("\r\n");
                    if (lines[i].isEmpty() || (lines[i].charAt(0) != ' ' && lines[i].charAt(0) != '\t')) {
                        sb.append('\t');   // a continuation line must start with white space
                    }
                }
                sb.append(lines[i]);
            }
            sb.append("\r\n");
            return new Field(name, sb.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private final List<Field> fields;
    /** Whether a blank line separated the header from a body. */
    private final boolean separated;
    /** The body's first line when the header ended on it without a blank line, else null. */
    private final byte[] firstBodyLine;

    private MessageEdit(List<Field> fields, boolean separated, byte[] firstBodyLine) {
        this.fields = fields;
        this.separated = separated;
        this.firstBodyLine = firstBodyLine;
    }

    List<Field> fields() {
        return fields;
    }

    /**
     * Reads the header section of {@code in}, leaving it at the first byte of the body. A line that
     * is not a field (no colon before any white space) ends the header there, as in a message
     * without a blank line; it is then the body's first line.
     */
    static MessageEdit read(InputStream in) throws IOException {
        List<Field> fields = new ArrayList<>();
        ByteArrayOutputStream field = null;
        String name = null;
        long total = 0;
        while (true) {
            byte[] line = readLine(in);
            if (line == null) {
                break;
            }
            total += line.length;
            boolean continuation = line.length > 0 && (line[0] == ' ' || line[0] == '\t');
            if (continuation && field != null && total <= MAX_HEADER) {
                field.write(line);
                continue;
            }
            if (field != null) {
                fields.add(new Field(name, field.toByteArray()));
                field = null;
            }
            if (isBlank(line)) {
                return new MessageEdit(fields, true, null);
            }
            String n = fieldName(line);
            if (n == null || total > MAX_HEADER) {
                return new MessageEdit(fields, false, line);
            }
            name = n;
            field = new ByteArrayOutputStream();
            field.write(line);
        }
        if (field != null) {
            fields.add(new Field(name, field.toByteArray()));
        }
        return new MessageEdit(fields, false, null);
    }

    /** The body's first line when the header ended on it without a blank line, else null. */
    byte[] firstBodyLine() {
        return firstBodyLine;
    }

    private static boolean isBlank(byte[] line) {
        return line.length == 2 && line[0] == '\r' && line[1] == '\n' || line.length == 1 && line[0] == '\n';
    }

    /** The field name of a line ({@code ftext} up to the colon, RFC 5322 §2.2), or null when it is none. */
    static String fieldName(byte[] line) {
        int i = 0;
        while (i < line.length && line[i] >= 33 && line[i] <= 126 && line[i] != ':') {
            i++;
        }
        int end = i;
        while (i < line.length && (line[i] == ' ' || line[i] == '\t')) {
            i++;   // obsolete syntax: white space before the colon
        }
        if (end == 0 || i >= line.length || line[i] != ':') {
            return null;
        }
        return new String(line, 0, end, StandardCharsets.US_ASCII);
    }

    /** A line with its end (CRLF or LF), or null at the end of the stream. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(80);
        int b;
        while ((b = in.read()) >= 0) {
            out.write(b);
            if (b == '\n') {
                break;
            }
        }
        return out.size() == 0 ? null : out.toByteArray();
    }

    void add(String name, String value, boolean leadingSpace) {
        fields.add(Field.of(name, value, leadingSpace));
    }

    void insert(int index, String name, String value, boolean leadingSpace) {
        int at = Math.max(0, Math.min(fields.size(), index - 1));
        fields.add(at, Field.of(name, value, leadingSpace));
    }

    /** Changes the {@code occurrence}-th field of this name (1-based); an empty value removes it. */
    void change(int occurrence, String name, String value, boolean leadingSpace) {
        String lower = name.toLowerCase(Locale.ROOT);
        int seen = 0;
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().toLowerCase(Locale.ROOT).equals(lower) && ++seen == Math.max(1, occurrence)) {
                if (value.isEmpty()) {
                    fields.remove(i);
                } else {
                    fields.set(i, Field.of(fields.get(i).name(), value, leadingSpace));
                }
                return;
            }
        }
        if (!value.isEmpty()) {
            add(name, value, leadingSpace);
        }
    }

    /** The header section as it now is, with the blank line when a body follows or one was there. */
    byte[] header(boolean bodyFollows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Field f : fields) {
            out.writeBytes(f.raw());
        }
        if (separated || bodyFollows && firstBodyLine == null) {
            out.writeBytes(new byte[]{'\r', '\n'});
        }
        return out.toByteArray();
    }

    /** Whether a field name may be written: printable ASCII, no colon, at most 998 octets (a line's limit). */
    static boolean validName(String name) {
        return dev.tern.message.HeaderNames.isValid(name, 998);
    }
}
