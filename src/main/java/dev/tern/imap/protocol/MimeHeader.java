package dev.tern.imap.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of one header block, unfolded (CRLF removed, the folding whitespace kept) and
 * decoded as UTF-8 when valid, else ISO-8859-1, so 8-bit headers survive. At most
 * {@link #MAX_FIELDS} fields and {@link #MAX_BYTES} octets are kept; the rest of a huge header is
 * still skipped over by the caller, just not remembered.
 */
final class MimeHeader {

    static final int MAX_FIELDS = 1000;
    static final int MAX_BYTES = 256 * 1024;

    private final List<String> names = new ArrayList<>();
    private final List<StringBuilder> values = new ArrayList<>();
    private int bytes;

    void addLine(byte[] line, int length) {
        if (bytes + length > MAX_BYTES) {
            return;
        }
        String text = decode(line, length);
        if (!text.isEmpty() && (text.charAt(0) == ' ' || text.charAt(0) == '\t')) {
            if (!values.isEmpty()) {
                values.get(values.size() - 1).append(text);
                bytes += length;
            }
            return;
        }
        int colon = text.indexOf(':');
        if (colon <= 0 || names.size() >= MAX_FIELDS) {
            // Not a field: ignored, as Dovecot and Cyrus do.
            names.add(null);
            values.add(new StringBuilder());
            return;
        }
        names.add(text.substring(0, colon).strip());
        values.add(new StringBuilder(text.substring(colon + 1)));
        bytes += length;
    }

    /** The first value of the field (name case-insensitive), trimmed, or null. */
    String first(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (name.equalsIgnoreCase(names.get(i))) {
                return values.get(i).toString().strip();
            }
        }
        return null;
    }

    /** All values of the field, trimmed, in order. */
    List<String> all(String name) {
        List<String> found = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (name.equalsIgnoreCase(names.get(i))) {
                found.add(values.get(i).toString().strip());
            }
        }
        return found;
    }

    static String decode(byte[] bytes, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        }
    }
}
