package dev.tern.security.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The header fields of a message that a signature may cover, read from the front of a stream that
 * is left at the start of the body.
 *
 * <p>The section ends at the first empty line, or at the first line that is neither a field nor the
 * continuation of one (that line is then the first line of the body, as Tern's submission filter
 * also treats it). Only fields whose names are wanted are kept, so memory is bounded by those;
 * a single line longer than {@link #MAX_LINE} octets makes the message unsignable.
 *
 * @param fields    the wanted fields, in message order
 * @param bodyStart octets already read that belong to the body (a line that ended the section
 *                  without being empty), or an empty array
 */
record HeaderSection(List<HeaderField> fields, byte[] bodyStart) {

    static final int MAX_LINE = 1 << 20;
    static final int MAX_KEPT = 4 << 20;

    /**
     * Reads the header section from {@code in}, which should be buffered: it is read octet by octet.
     *
     * @param wantedNames the names of the fields to keep; null keeps every field
     */
    static HeaderSection read(InputStream in, Set<String> wantedNames) throws IOException {
        List<HeaderField> kept = new ArrayList<>();
        ByteArrayOutputStream current = null;
        long keptBytes = 0;
        boolean inField = false;
        while (true) {
            Line line = Line.read(in);
            if (line == null || line.isEmpty()) {
                addField(kept, current);
                return new HeaderSection(kept, new byte[0]);
            }
            if (line.startsWithWsp() && inField) {
                if (current != null) {
                    keptBytes += line.length() + 2;
                    if (keptBytes > MAX_KEPT) {
                        throw new UnsignableMessageException("the header fields to sign exceed " + MAX_KEPT + " octets");
                    }
                    current.write('\r');
                    current.write('\n');
                    line.contentTo(current);
                }
                continue;
            }
            String name = line.fieldName();
            addField(kept, current);
            current = null;
            if (name == null) {
                return new HeaderSection(kept, line.withTerminator());
            }
            inField = true;
            if (wantedNames == null || wantedNames.contains(name)) {
                keptBytes += line.length();
                if (keptBytes > MAX_KEPT) {
                    throw new UnsignableMessageException("the header fields to sign exceed " + MAX_KEPT + " octets");
                }
                current = new ByteArrayOutputStream();
                line.contentTo(current);
            }
        }
    }

    /** How many times a field occurs. */
    int count(String name) {
        int n = 0;
        for (HeaderField f : fields) {
            if (f.name().equals(name)) {
                n++;
            }
        }
        return n;
    }

    /**
     * The {@code fromBottom}-th occurrence of a field counted from the last one (0 = last), or null:
     * RFC 6376 §5.4.2 signs repeated fields from the bottom up.
     */
    HeaderField fromBottom(String name, int fromBottom) {
        int seen = 0;
        for (int i = fields.size() - 1; i >= 0; i--) {
            HeaderField f = fields.get(i);
            if (f.name().equals(name) && seen++ == fromBottom) {
                return f;
            }
        }
        return null;
    }

    private static void addField(List<HeaderField> kept, ByteArrayOutputStream raw) {
        if (raw != null) {
            HeaderField f = HeaderField.parse(raw.toByteArray());
            if (f != null) {
                kept.add(f);
            }
        }
    }

    /** One line of the header section: its octets without the line break, and the break as it was. */
    private record Line(byte[] bytes, int length, byte[] terminator) {

        static Line read(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(128);
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    byte[] bytes = b.toByteArray();
                    boolean cr = bytes.length > 0 && bytes[bytes.length - 1] == '\r';
                    return new Line(bytes, cr ? bytes.length - 1 : bytes.length, cr ? new byte[]{'\r', '\n'} : new byte[]{'\n'});
                }
                if (b.size() >= MAX_LINE) {
                    throw new UnsignableMessageException("a header line is longer than " + MAX_LINE + " octets");
                }
                b.write(c);
            }
            if (b.size() == 0) {
                return null;
            }
            byte[] bytes = b.toByteArray();
            return new Line(bytes, bytes.length, new byte[0]);
        }

        boolean isEmpty() {
            return length == 0;
        }

        boolean startsWithWsp() {
            return length > 0 && HeaderField.isWsp(bytes[0]);
        }

        /**
         * The lower-case field name when this line starts a field (printable ASCII up to the colon,
         * whitespace allowed before it as in RFC 5322's obsolete syntax), else null.
         */
        String fieldName() {
            StringBuilder name = new StringBuilder();
            int i = 0;
            for (; i < length && bytes[i] > 32 && bytes[i] < 127 && bytes[i] != ':'; i++) {
                name.append((char) bytes[i]);
            }
            while (i < length && HeaderField.isWsp(bytes[i])) {
                i++;
            }
            if (name.length() == 0 || i >= length || bytes[i] != ':') {
                return null;
            }
            return HeaderField.lowerAscii(name.toString());
        }

        void contentTo(ByteArrayOutputStream out) {
            out.write(bytes, 0, length);
        }

        byte[] withTerminator() {
            byte[] all = new byte[length + terminator.length];
            System.arraycopy(bytes, 0, all, 0, length);
            System.arraycopy(terminator, 0, all, length, terminator.length);
            return all;
        }
    }
}
