package dev.tern.security.authresults;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Removes, from a message streaming in, every Authentication-Results header field that claims this
 * server's authserv-id (RFC 8601 §5: a receiver MUST delete such fields added by others, or a mail
 * reader would trust results it never got from us), and those whose authserv-id cannot be read.
 * Fields with other servers' ids pass unchanged, as does everything after the header section.
 *
 * <p>Streaming with bounded memory: a line is held until it is complete or {@value #LINE_LIMIT}
 * bytes long (then the rest of it streams on, routed by what its start said), and an
 * Authentication-Results field is held until it ends or reaches {@value #FIELD_LIMIT} bytes,
 * when it is judged on what has arrived. The header section ends at the first empty line, or at
 * the first line that is neither a header field nor a continuation.
 *
 * <p>{@code out} must consume or copy each buffer before returning. One instance per message.
 */
public final class ForgedResultsFilter {

    static final int LINE_LIMIT = 8 * 1024;
    static final int FIELD_LIMIT = 16 * 1024;
    private static final byte[] NAME = "authentication-results".getBytes(StandardCharsets.US_ASCII);

    private enum Field { PASS, HOLD, DROP }

    private final String authservId;
    private boolean body;
    private final byte[] line = new byte[LINE_LIMIT];
    private int lineLength;
    /** The current line outgrew {@link #line}; its rest streams according to {@link #field}. */
    private boolean longLine;
    private Field field = Field.PASS;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private int removed;

    public ForgedResultsFilter(String authservId) {
        this.authservId = authservId;
    }

    /** How many fields were removed so far. */
    public int removed() {
        return removed;
    }

    public void write(ByteBuffer in, Consumer<ByteBuffer> out) {
        while (in.hasRemaining()) {
            if (body) {
                out.accept(in);
                in.position(in.limit());
                return;
            }
            int lf = indexOfLf(in);
            int end = lf < 0 ? in.limit() : lf + 1;
            if (longLine) {
                route(in.slice(in.position(), end - in.position()), out);
                in.position(end);
                longLine = lf < 0;
                continue;
            }
            int n = Math.min(end - in.position(), LINE_LIMIT - lineLength);
            in.get(line, lineLength, n);
            lineLength += n;
            if (lineLength > 0 && line[lineLength - 1] == '\n') {
                line(true, out);
            } else if (lineLength == LINE_LIMIT) {
                line(false, out);
                longLine = true;
            }
        }
    }

    /** The content is complete: a held field or a last line without its end goes on. */
    public void finish(Consumer<ByteBuffer> out) {
        if (!body && lineLength > 0) {
            line(false, out);
        }
        if (!body) {
            endField(out);
        }
    }

    /** Classifies the line in {@link #line}; {@code complete} when it ends there. */
    private void line(boolean complete, Consumer<ByteBuffer> out) {
        ByteBuffer bytes = ByteBuffer.wrap(Arrays.copyOf(line, lineLength));
        int length = lineLength;
        lineLength = 0;
        byte first = bytes.get(0);
        if (complete && (first == '\n' || (first == '\r' && length == 2))) {
            endField(out);
            out.accept(bytes);
            body = true;
        } else if (first == ' ' || first == '\t') {
            route(bytes, out);
        } else if (isField(bytes)) {
            endField(out);
            field = startsWithName(bytes) ? Field.HOLD : Field.PASS;
            route(bytes, out);
        } else {
            endField(out);  // not a header field: the header section has ended without an empty line
            out.accept(bytes);
            body = true;
        }
    }

    private void route(ByteBuffer bytes, Consumer<ByteBuffer> out) {
        switch (field) {
            case PASS -> out.accept(bytes);
            case DROP -> { }
            case HOLD -> {
                byte[] copy = new byte[bytes.remaining()];
                bytes.duplicate().get(copy);
                held.write(copy, 0, copy.length);
                if (held.size() > FIELD_LIMIT) {
                    decide(out);
                }
            }
        }
    }

    private void endField(Consumer<ByteBuffer> out) {
        if (field == Field.HOLD) {
            decide(out);
        }
        field = Field.PASS;
    }

    /** Judges the held field: dropped when it is ours or unreadable, passed on otherwise. */
    private void decide(Consumer<ByteBuffer> out) {
        String id = authservId(held.toString(StandardCharsets.ISO_8859_1));
        if (id == null || id.equalsIgnoreCase(authservId)) {
            removed++;
            field = Field.DROP;
        } else {
            out.accept(ByteBuffer.wrap(held.toByteArray()));
            field = Field.PASS;
        }
        held.reset();
    }

    /**
     * The authserv-id of an Authentication-Results field (RFC 8601 §2.2: the first value after
     * the colon, after optional comments and folding whitespace), or null when there is none.
     */
    static String authservId(String field) {
        int i = field.indexOf(':') + 1;
        if (i == 0) {
            return null;
        }
        int depth = 0;
        int n = field.length();
        while (i < n) {
            char c = field.charAt(i);
            if (depth > 0) {
                if (c == '\\') {
                    i++;
                } else if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth--;
                }
                i++;
            } else if (c == '(') {
                depth++;
                i++;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
            } else {
                break;
            }
        }
        int start = i;
        while (i < n && "; \t\r\n(".indexOf(field.charAt(i)) < 0) {
            i++;
        }
        if (i == start) {
            return null;
        }
        String id = field.substring(start, i);
        return id.startsWith("\"") && id.endsWith("\"") && id.length() > 1 ? id.substring(1, id.length() - 1) : id;
    }

    /** A field name (printable characters but the colon), optional blanks, then a colon. */
    private static boolean isField(ByteBuffer b) {
        int i = 0;
        int n = b.remaining();
        while (i < n && b.get(i) > 32 && b.get(i) < 127 && b.get(i) != ':') {
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < n && (b.get(i) == ' ' || b.get(i) == '\t')) {
            i++;
        }
        return i < n && b.get(i) == ':';
    }

    private static boolean startsWithName(ByteBuffer b) {
        if (b.remaining() < NAME.length) {
            return false;
        }
        for (int i = 0; i < NAME.length; i++) {
            int c = b.get(i);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != NAME[i]) {
                return false;
            }
        }
        int i = NAME.length;
        while (i < b.remaining() && (b.get(i) == ' ' || b.get(i) == '\t')) {
            i++;
        }
        return i < b.remaining() && b.get(i) == ':';
    }

    private static int indexOfLf(ByteBuffer in) {
        for (int i = in.position(); i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }
}
