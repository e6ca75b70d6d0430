package dev.tern.security.dkim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the header section of a message that arrives in pieces, up to a bound, and says where
 * the body starts: after the first empty line (RFC 5322 §2.1), or nowhere when the message has none.
 *
 * <p>Past the bound the octets are no longer kept, but the section is still read to its end, so
 * that the body is found and the {@code DKIM-Signature:} fields are still counted: each of them
 * gets a result even when the section is too large to check.
 */
final class HeaderCollector {

    private static final byte[] SIGNATURE_NAME = "dkim-signature".getBytes(StandardCharsets.US_ASCII);
    private static final int PREFIX = 32;

    private final int maxBytes;
    private byte[] buffer = new byte[4096];
    private int size;
    private boolean tooLarge;
    private boolean complete;
    private int lineLength;
    private byte lastByte;
    private final byte[] linePrefix = new byte[PREFIX];
    private int signatureFields;

    HeaderCollector(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Takes octets of the header section from {@code b}. Returns how many were taken: all of them,
     * or fewer when the section ended (the rest belong to the body).
     */
    int update(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (complete) {
                return i;
            }
            byte c = b[off + i];
            keep(c);
            if (c == '\n') {
                if (lineLength == 0 || (lineLength == 1 && lastByte == '\r')) {
                    complete = true;
                } else {
                    endLine();
                }
            } else {
                if (lineLength < PREFIX) {
                    linePrefix[lineLength] = c;
                }
                lineLength++;
                lastByte = c;
            }
        }
        return len;
    }

    /** The message ended: whatever was read is the header section, and the body is empty. */
    void finish() {
        if (!complete) {
            if (lineLength > 0) {
                endLine();
            }
            complete = true;
        }
    }

    boolean complete() {
        return complete;
    }

    /** Whether the section went past the bound, so that its fields were not all kept. */
    boolean tooLarge() {
        return tooLarge;
    }

    /** How many {@code DKIM-Signature:} fields the section has, counted to its end. */
    int signatureFields() {
        return signatureFields;
    }

    /**
     * The fields kept, in order, continuation lines joined with CRLF. When the section was too large,
     * these are the fields of its start only, the last one possibly cut short. Lines that are
     * neither a field nor a continuation are left out.
     */
    List<HeaderField> fields() {
        List<HeaderField> fields = new ArrayList<>();
        StringBuilder current = null;
        int pos = 0;
        while (pos < size) {
            int lf = indexOfLf(pos);
            int end = lf < 0 ? size : lf;
            int next = lf < 0 ? size : lf + 1;
            int contentEnd = end > pos && buffer[end - 1] == '\r' ? end - 1 : end;
            if (contentEnd == pos) {
                break;
            }
            String line = new String(buffer, pos, contentEnd - pos, StandardCharsets.ISO_8859_1);
            if (HeaderField.isWsp(buffer[pos])) {
                if (current != null) {
                    current.append("\r\n").append(line);
                }
            } else {
                add(fields, current);
                current = new StringBuilder(line);
            }
            pos = next;
        }
        add(fields, current);
        return fields;
    }

    private void keep(byte c) {
        if (tooLarge) {
            return;
        }
        if (size == maxBytes) {
            tooLarge = true;
            return;
        }
        if (size == buffer.length) {
            buffer = java.util.Arrays.copyOf(buffer, Math.min(maxBytes, buffer.length * 2));
        }
        buffer[size++] = c;
    }

    private void endLine() {
        if (startsSignatureField()) {
            signatureFields++;
        }
        lineLength = 0;
    }

    /** "DKIM-Signature", in any case, then optional whitespace and a colon. */
    private boolean startsSignatureField() {
        int n = Math.min(lineLength, PREFIX);
        if (n <= SIGNATURE_NAME.length) {
            return false;
        }
        for (int i = 0; i < SIGNATURE_NAME.length; i++) {
            int c = linePrefix[i];
            if ((c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c) != SIGNATURE_NAME[i]) {
                return false;
            }
        }
        int i = SIGNATURE_NAME.length;
        while (i < n && HeaderField.isWsp(linePrefix[i])) {
            i++;
        }
        return i < n && linePrefix[i] == ':';
    }

    private int indexOfLf(int from) {
        for (int i = from; i < size; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** A field when the text is one: a name of printable ASCII, optional whitespace, a colon. */
    private static void add(List<HeaderField> fields, StringBuilder text) {
        if (text == null) {
            return;
        }
        HeaderField f = HeaderField.parse(text.toString());
        if (f != null && isFieldName(f.name())) {
            fields.add(f);
        }
    }

    private static boolean isFieldName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127) {
                return false;
            }
        }
        return true;
    }
}
