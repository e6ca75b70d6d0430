package dev.tern.delivery.remote;

import dev.tern.imap.protocol.BodyPart;
import dev.tern.imap.protocol.MessageStructure;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Turns an 8-bit message into a 7-bit one for a server that does not offer 8BITMIME (RFC 6152 §3:
 * the client either converts the message to 7-bit with MIME's encodings, or bounces it), the way
 * Postfix's MIME output conversion does: every part whose body has 8-bit octets and is declared
 * {@code 7bit} or {@code 8bit} (or nothing) gets its body in quoted-printable (RFC 2045 §6.7) and
 * its {@code Content-Transfer-Encoding} field says so; multiparts and enclosed messages declared
 * {@code 8bit} are declared {@code 7bit}, since nothing in them is any more. A message that had
 * no {@code MIME-Version} field gets one, since the encoding means nothing without it.
 *
 * <p>Everything else is copied octet for octet. What cannot be converted makes the whole
 * conversion fail ({@code null}): 8-bit octets in a header section (those need SMTPUTF8, RFC 6532),
 * in a multipart's preamble, epilogue or delimiter lines, or in a part declared {@code binary},
 * {@code base64} or {@code quoted-printable} (not valid as declared). The message then bounces
 * as before.
 *
 * <p>The MIME structure comes from {@link MessageStructure}, the parser the IMAP server keeps
 * offsets of every part with: the same reading of boundaries as the rest of Tern.
 */
final class SevenBitDowngrade {

    /** RFC 2045 §6.7 (5): encoded lines are at most 76 characters, the soft break's "=" included. */
    private static final int MAX_LINE = 76;
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] QP_FIELD = "Content-Transfer-Encoding: quoted-printable\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEVEN_BIT_FIELD = "Content-Transfer-Encoding: 7bit\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MIME_VERSION_FIELD = "MIME-Version: 1.0\r\n".getBytes(StandardCharsets.US_ASCII);

    private SevenBitDowngrade() {
    }

    /** A stretch of the original replaced by other octets (an insertion when it is empty). */
    private record Edit(int start, int end, byte[] replacement) {
    }

    /**
     * The message with every 8-bit body in quoted-printable, or null when some 8-bit octet cannot
     * be encoded. A message without 8-bit octets comes back as it is.
     */
    static byte[] convert(byte[] message) {
        if (!hasEightBit(message, 0, message.length)) {
            return message;
        }
        BodyPart root = MessageStructure.parse(new ByteArrayInputStream(message)).root();
        List<Edit> edits = new ArrayList<>();
        if (!convertEntity(message, root, edits)) {
            return null;
        }
        if (!edits.isEmpty() && findField(message, (int) root.headerStart(), (int) root.bodyStart(), "MIME-Version") == null) {
            edits.add(new Edit(fieldInsertPoint(message, root), fieldInsertPoint(message, root), MIME_VERSION_FIELD));
        }
        byte[] converted = apply(message, edits);
        return hasEightBit(converted, 0, converted.length) ? null : converted;
    }

    /** Adds the edits that make {@code part} 7-bit; false when it cannot be. */
    private static boolean convertEntity(byte[] message, BodyPart part, List<Edit> edits) {
        int bodyStart = (int) part.bodyStart();
        int bodyEnd = (int) part.bodyEnd();
        String encoding = part.encoding().strip().toLowerCase(Locale.ROOT);
        boolean composite = part.isMultipart() || (part.isMessage() && part.subtype().equals("rfc822"));
        if (composite) {
            int before = edits.size();
            for (BodyPart child : part.parts()) {
                if (!convertEntity(message, child, edits)) {
                    return false;
                }
            }
            if (edits.size() > before && encoding.equals("8bit")) {
                // RFC 2045 §6.4: a composite's encoding is 7bit, 8bit or binary, and says what is inside.
                replaceEncoding(message, part, SEVEN_BIT_FIELD, edits);
            }
            return true;
        }
        if (!hasEightBit(message, bodyStart, bodyEnd)) {
            return true;
        }
        if (!encoding.equals("7bit") && !encoding.equals("8bit")) {
            return false;
        }
        edits.add(new Edit(bodyStart, bodyEnd, quotedPrintable(message, bodyStart, bodyEnd)));
        replaceEncoding(message, part, QP_FIELD, edits);
        return true;
    }

    /** Replaces the part's Content-Transfer-Encoding field, or adds one at the end of its header. */
    private static void replaceEncoding(byte[] message, BodyPart part, byte[] field, List<Edit> edits) {
        int[] existing = findField(message, (int) part.headerStart(), (int) part.bodyStart(), "Content-Transfer-Encoding");
        if (existing != null) {
            edits.add(new Edit(existing[0], existing[1], field));
        } else {
            int at = fieldInsertPoint(message, part);
            edits.add(new Edit(at, at, field));
        }
    }

    /**
     * Where the first field named {@code name} starts and ends (continuation lines and line end
     * included) in the header section {@code [start, end)}, or null.
     */
    private static int[] findField(byte[] message, int start, int end, String name) {
        byte[] wanted = name.getBytes(StandardCharsets.US_ASCII);
        int line = start;
        int found = -1;
        while (line < end) {
            int next = lineEnd(message, line, end);
            boolean continuation = message[line] == ' ' || message[line] == '\t';
            if (found >= 0 && !continuation) {
                return new int[]{found, line};
            }
            if (!continuation && found < 0 && isField(message, line, next, wanted)) {
                found = line;
            }
            line = next;
        }
        return found >= 0 ? new int[]{found, end} : null;
    }

    private static boolean isField(byte[] message, int line, int lineEnd, byte[] name) {
        if (lineEnd - line <= name.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (Character.toLowerCase(message[line + i]) != Character.toLowerCase(name[i])) {
                return false;
            }
        }
        int i = line + name.length;
        while (i < lineEnd && (message[i] == ' ' || message[i] == '\t')) {
            i++;
        }
        return i < lineEnd && message[i] == ':';
    }

    /** Just before the empty line that ends the part's header section. */
    private static int fieldInsertPoint(byte[] message, BodyPart part) {
        int bodyStart = (int) part.bodyStart();
        int headerStart = (int) part.headerStart();
        if (bodyStart >= headerStart + 2 && message[bodyStart - 1] == '\n' && message[bodyStart - 2] == '\r'
                && (bodyStart - 2 == headerStart || message[bodyStart - 3] == '\n')) {
            return bodyStart - 2;
        }
        if (bodyStart >= headerStart + 1 && message[bodyStart - 1] == '\n'
                && (bodyStart - 1 == headerStart || message[bodyStart - 2] == '\n')) {
            return bodyStart - 1;
        }
        return bodyStart;   // a header section without its empty line: nothing follows it
    }

    /** Offset just past the line that starts at {@code start} (its LF included), at most {@code end}. */
    private static int lineEnd(byte[] message, int start, int end) {
        for (int i = start; i < end; i++) {
            if (message[i] == '\n') {
                return i + 1;
            }
        }
        return end;
    }

    /**
     * {@code [start, end)} in quoted-printable: line breaks (CRLF or LF) stay hard line breaks
     * (CRLF), longer lines get soft breaks, and what follows a soft break never starts with
     * {@code -} (so no new line can look like a multipart delimiter).
     */
    static byte[] quotedPrintable(byte[] message, int start, int end) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((end - start) * 3 / 2 + 16);
        int column = 0;
        for (int i = start; i < end; i++) {
            byte b = message[i];
            if (b == '\r' && i + 1 < end && message[i + 1] == '\n') {
                continue;   // the LF that follows writes the line break
            }
            if (b == '\n') {
                out.write('\r');
                out.write('\n');
                column = 0;
                continue;
            }
            boolean lineEndsHere = i + 1 == end || message[i + 1] == '\n'
                    || (message[i + 1] == '\r' && i + 2 < end && message[i + 2] == '\n');
            boolean literal = (b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !lineEndsHere);
            int width = literal ? 1 : 3;
            // Room for this character, and for the soft break's "=" unless the line ends with it.
            int limit = lineEndsHere ? MAX_LINE : MAX_LINE - 1;
            if (column + width > limit) {
                out.write('=');
                out.write('\r');
                out.write('\n');
                column = 0;
                if (b == '-') {
                    literal = false;
                    width = 3;
                }
            }
            if (literal) {
                out.write(b);
            } else {
                out.write('=');
                out.write(HEX[(b >> 4) & 0xF]);
                out.write(HEX[b & 0xF]);
            }
            column += width;
        }
        return out.toByteArray();
    }

    private static byte[] apply(byte[] message, List<Edit> edits) {
        edits.sort(Comparator.comparingInt(Edit::start).thenComparingInt(Edit::end));
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + message.length / 2 + 64);
        int copied = 0;
        for (Edit e : edits) {
            out.write(message, copied, e.start() - copied);
            out.write(e.replacement(), 0, e.replacement().length);
            copied = e.end();
        }
        out.write(message, copied, message.length - copied);
        return out.toByteArray();
    }

    private static boolean hasEightBit(byte[] bytes, int start, int end) {
        for (int i = start; i < end; i++) {
            if (bytes[i] < 0) {
                return true;
            }
        }
        return false;
    }
}
