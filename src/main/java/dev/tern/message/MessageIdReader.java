package dev.tern.message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Finds the Message-ID header field (RFC 5322 §3.6.4) of a message, reading only its header
 * section and no more than {@link #MAX_HEADER_BYTES} of it: the first field of that name wins,
 * folded lines are joined. The result is the msg-id without its angle brackets (what people
 * search for), or null when there is none.
 */
public final class MessageIdReader {

    /** As much header as the submission filter holds back; a Message-ID further down is not looked for. */
    public static final int MAX_HEADER_BYTES = 256 * 1024;
    private static final int MAX_ID_LENGTH = 998;
    private static final byte[] NAME = "message-id:".getBytes(StandardCharsets.US_ASCII);

    private MessageIdReader() {
    }

    /**
     * The same as {@link #read(InputStream)} over the whole array, scanning it in place: the stream
     * version, a byte and a synchronized call at a time, cost more than the rest of the work an SMTP
     * session does on a received message's content.
     */
    public static String read(byte[] content) {
        int limit = Math.min(content.length, MAX_HEADER_BYTES);
        int kept = MAX_ID_LENGTH + NAME.length + 1;   // as much of a line as the stream version keeps
        ByteArrayOutputStream field = null;
        int pos = 0;
        while (true) {
            int lf = pos;
            while (lf < limit && content[lf] != '\n') {
                lf++;
            }
            boolean end = lf == limit;
            int length = Math.min(lf, pos + kept) - pos;
            if (length > 0 && content[pos + length - 1] == '\r') {
                length--;
            }
            if (length == 0) {
                break;   // the end of the header section (or of the content)
            }
            boolean continuation = content[pos] == ' ' || content[pos] == '\t';
            if (field != null) {
                if (!continuation) {
                    break;
                }
                field.write(' ');
                field.write(content, pos, length);
            } else if (!continuation && startsWithName(content, pos, length)) {
                field = new ByteArrayOutputStream();
                field.write(content, pos + NAME.length, length - NAME.length);
            }
            if (end) {
                break;
            }
            pos = lf + 1;
        }
        return field == null ? null : normalise(field.toString(StandardCharsets.UTF_8));
    }

    /** Reads from the current position of {@code in}, which should buffer (it is read a byte at a time). */
    public static String read(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        ByteArrayOutputStream field = null;
        int total = 0;
        boolean end = false;
        while (!end) {
            int c = total < MAX_HEADER_BYTES ? in.read() : -1;
            total++;
            end = c == -1;
            if (!end && c != '\n') {
                if (line.size() <= MAX_ID_LENGTH + NAME.length) {
                    line.write(c);
                }
                continue;
            }
            byte[] l = trimCr(line.toByteArray());
            line.reset();
            if (l.length == 0) {
                break;   // the end of the header section (or of the content)
            }
            boolean continuation = l[0] == ' ' || l[0] == '\t';
            if (field != null) {
                if (!continuation) {
                    break;
                }
                field.write(' ');
                field.write(l, 0, l.length);
            } else if (!continuation && startsWithName(l)) {
                field = new ByteArrayOutputStream();
                field.write(l, NAME.length, l.length - NAME.length);
            }
        }
        return field == null ? null : normalise(field.toString(StandardCharsets.UTF_8));
    }

    /** The id inside {@code <…>}, else the first word; null when empty. Also for search terms. */
    public static String normalise(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        int open = v.indexOf('<');
        int close = open < 0 ? -1 : v.indexOf('>', open + 1);
        if (open >= 0 && close > open) {
            v = v.substring(open + 1, close).trim();
        } else {
            int space = v.indexOf(' ');
            v = (space < 0 ? v : v.substring(0, space)).replace("<", "").replace(">", "");
        }
        if (v.length() > MAX_ID_LENGTH) {
            v = v.substring(0, MAX_ID_LENGTH);
        }
        return v.isEmpty() ? null : v;
    }

    private static boolean startsWithName(byte[] l) {
        return startsWithName(l, 0, l.length);
    }

    private static boolean startsWithName(byte[] l, int offset, int length) {
        return HeaderNames.startsWith(l, offset, offset + length, NAME);
    }

    private static byte[] trimCr(byte[] l) {
        return l.length > 0 && l[l.length - 1] == '\r' ? java.util.Arrays.copyOf(l, l.length - 1) : l;
    }
}
