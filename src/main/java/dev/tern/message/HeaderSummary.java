package dev.tern.message;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The few header fields a listing shows and the DKIM signer looks for (From, To, Subject, Date,
 * Message-ID), read from the start of a message without parsing its body. Encoded words (RFC 2047)
 * are decoded; the first field of each name counts.
 *
 * <p>The header section is read to its end whatever its size, in constant memory: each field is
 * kept up to {@link #MAX_FIELD} octets and at most {@link #MAX_NAMES} names are kept, so a huge
 * field before From (a long References list, a crafted one) neither hides From nor costs memory.
 */
public record HeaderSummary(Map<String, String> fields) {

    /** Octets of one unfolded field kept; the rest of it is read and dropped. */
    static final int MAX_FIELD = 16 * 1024;
    /** Distinct field names kept. */
    static final int MAX_NAMES = 1000;

    public String get(String name) {
        return fields.getOrDefault(name.toLowerCase(Locale.ROOT), "");
    }

    public static HeaderSummary read(InputStream in) throws IOException {
        InputStream input = new BufferedInputStream(in, 8192);
        Map<String, String> fields = new LinkedHashMap<>();
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] l;
        while ((l = readLine(input, line)) != null) {
            if (l.length == 0) {
                break;   // the end of the header section
            }
            if (l[0] == ' ' || l[0] == '\t') {
                // A continuation: unfolded as one space in place of the line break and the white space.
                int start = 0;
                while (start < l.length && (l[start] == ' ' || l[start] == '\t')) {
                    start++;
                }
                if (field.size() > 0) {
                    appendCapped(field, new byte[]{' '}, 0, 1);
                    appendCapped(field, l, start, l.length - start);
                }
            } else {
                keep(fields, field);
                appendCapped(field, l, 0, l.length);
            }
        }
        keep(fields, field);
        return new HeaderSummary(fields);
    }

    private static void keep(Map<String, String> fields, ByteArrayOutputStream field) {
        if (field.size() == 0) {
            return;
        }
        String text = field.toString(StandardCharsets.UTF_8);
        field.reset();
        int colon = text.indexOf(':');
        if (colon <= 0 || fields.size() >= MAX_NAMES) {
            return;
        }
        String name = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        if (!fields.containsKey(name)) {
            fields.put(name, DecoderUtil.decodeEncodedWords(text.substring(colon + 1).trim(), DecodeMonitor.SILENT));
        }
    }

    private static void appendCapped(ByteArrayOutputStream to, byte[] bytes, int offset, int length) {
        to.write(bytes, offset, Math.max(0, Math.min(length, MAX_FIELD - to.size())));
    }

    /**
     * One line without its CRLF or LF, at most {@link #MAX_FIELD} octets of it kept ({@code buffer}
     * is reused); null at the end of the input with nothing read.
     */
    private static byte[] readLine(InputStream in, ByteArrayOutputStream buffer) throws IOException {
        buffer.reset();
        int b = in.read();
        if (b < 0) {
            return null;
        }
        int last = -1;
        while (b >= 0 && b != '\n') {
            if (buffer.size() < MAX_FIELD) {
                buffer.write(b);
            }
            last = b;
            b = in.read();
        }
        byte[] line = buffer.toByteArray();
        return last == '\r' && line.length > 0 && line[line.length - 1] == '\r'
                ? java.util.Arrays.copyOf(line, line.length - 1) : line;
    }
}
