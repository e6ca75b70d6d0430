package dev.tern.imap.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Streams the header lines that BODY[HEADER.FIELDS (...)] or BODY[HEADER.FIELDS.NOT (...)]
 * selects (RFC 9051 §6.4.5): whole fields, continuation lines included, in their original order,
 * then the blank line that ends a header. Reads one line at a time, never the whole header.
 *
 * <p>The literal's length must be known before the first octet goes out; {@link #length} runs
 * the filter once to count, so a range is read twice rather than buffered.
 */
public final class HeaderFieldFilter extends InputStream {

    private final InputStream header;
    private final Set<String> names;
    private final boolean exclude;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private byte[] pending = new byte[0];
    private int pendingPos;
    private boolean keepingField;
    private boolean done;

    /**
     * @param header  the header's octets (a {@link SectionLocator.SectionRange}), read to the
     *                blank line or its end
     * @param fields  field names, case-insensitive
     * @param exclude HEADER.FIELDS.NOT: keep the fields not named
     */
    public HeaderFieldFilter(InputStream header, List<String> fields, boolean exclude) {
        this.header = header;
        this.names = fields.stream().map(f -> f.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.exclude = exclude;
    }

    /** The number of octets the filter yields for this header. */
    public static long length(InputStream header, List<String> fields, boolean exclude) {
        try (HeaderFieldFilter f = new HeaderFieldFilter(header, fields, exclude)) {
            return f.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (pendingPos == pending.length) {
            if (done) {
                return -1;
            }
            nextLine();
        }
        int n = Math.min(len, pending.length - pendingPos);
        System.arraycopy(pending, pendingPos, b, off, n);
        pendingPos += n;
        return n;
    }

    private void nextLine() throws IOException {
        line.reset();
        int c;
        while ((c = header.read()) >= 0) {
            line.write(c);
            if (c == '\n') {
                break;
            }
        }
        byte[] bytes = line.toByteArray();
        pending = new byte[0];
        pendingPos = 0;
        if (bytes.length == 0) {
            done = true;
            return;
        }
        boolean blank = bytes[0] == '\n' || (bytes[0] == '\r' && bytes.length <= 2);
        if (blank) {
            pending = bytes;
            done = true;
            return;
        }
        if (bytes[0] != ' ' && bytes[0] != '\t') {
            keepingField = keep(bytes);
        }
        if (keepingField) {
            pending = bytes;
        }
    }

    private boolean keep(byte[] fieldLine) {
        int colon = -1;
        for (int i = 0; i < fieldLine.length; i++) {
            if (fieldLine[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon <= 0) {
            return exclude;
        }
        String name = new String(fieldLine, 0, colon, StandardCharsets.ISO_8859_1).strip().toLowerCase(Locale.ROOT);
        return names.contains(name) != exclude;
    }

    @Override
    public void close() throws IOException {
        header.close();
    }
}
