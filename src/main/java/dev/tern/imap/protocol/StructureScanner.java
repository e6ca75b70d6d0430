package dev.tern.imap.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Walks a message once, line by line, and builds its {@link BodyPart} tree with the offsets of
 * every header and body (RFC 2045, RFC 2046 §5.1 multipart, §5.2.1 message/rfc822).
 *
 * <p>Mime4j's stream parser does the field parsing elsewhere but does not expose byte offsets,
 * which serving sections without re-parsing needs; boundaries are therefore found here, the way
 * Dovecot's message parser does: a line starting with {@code --boundary} of any enclosing
 * multipart ends the current part (an outer boundary also ends every inner multipart), and the
 * line break before a boundary belongs to the boundary.
 *
 * <p>Malformed input never fails: a multipart without boundary parameter or without any
 * delimiter line gets one empty text/plain part (as Dovecot reports it); an unterminated
 * multipart ends with the message; beyond {@link #MAX_DEPTH} levels or {@link #MAX_PARTS} parts,
 * multipart and message entities are treated as text/plain.
 */
final class StructureScanner {

    static final int MAX_DEPTH = 32;
    static final int MAX_PARTS = 10_000;

    private final LineSource in;
    private final List<byte[]> boundaries = new ArrayList<>();
    private int parts;

    StructureScanner(LineSource in) {
        this.in = in;
    }

    BodyPart message() {
        return entity(0, false, true);
    }

    private BodyPart entity(int depth, boolean inDigest, boolean isMessage) {
        parts++;
        long headerStart = in.position();
        MimeHeader header = readHeader();
        long bodyStart = in.position();
        long linesAtStart = in.lineFeeds();

        String type;
        String subtype;
        List<String> params;
        String contentType = header.first("Content-Type");
        ContentFields.Value ct = contentType == null ? null : ContentFields.parse(contentType);
        int slash = ct == null ? -1 : ct.value().indexOf('/');
        if (slash > 0 && slash < ct.value().length() - 1) {
            type = ct.value().substring(0, slash).strip().toLowerCase(Locale.ROOT);
            subtype = ct.value().substring(slash + 1).strip().toLowerCase(Locale.ROOT);
            params = new ArrayList<>(ct.parameters());
        } else if (inDigest && contentType == null) {
            type = "message";
            subtype = "rfc822";
            params = new ArrayList<>();
        } else {
            type = "text";
            subtype = "plain";
            params = new ArrayList<>();
        }
        boolean structured = depth < MAX_DEPTH && parts < MAX_PARTS;
        if (!structured && (type.equals("multipart") || type.equals("message"))) {
            type = "text";
            subtype = "plain";
            params = new ArrayList<>();
        }
        if (type.equals("text")) {
            normaliseCharset(params);
        }

        List<BodyPart> children = new ArrayList<>();
        long bodyEnd;
        long lines = -1;
        if (type.equals("multipart")) {
            String boundary = ct.parameter("boundary");
            if (boundary != null && !boundary.isEmpty()) {
                multipartBody(boundary, depth, subtype.equals("digest"), children);
            } else {
                skipBody();
            }
            bodyEnd = bodyEnd(bodyStart);
            if (children.isEmpty()) {
                children.add(emptyTextPart(bodyEnd));
            }
        } else if (type.equals("message") && (subtype.equals("rfc822") || subtype.equals("global"))) {
            BodyPart enclosed = entity(depth + 1, false, true);
            children.add(enclosed);
            bodyEnd = enclosed.bodyEnd();
            lines = linesUpTo(linesAtStart, bodyEnd);
        } else {
            skipBody();
            bodyEnd = bodyEnd(bodyStart);
            if (type.equals("text")) {
                lines = linesUpTo(linesAtStart, bodyEnd);
            }
        }
        String disposition = null;
        List<String> dispositionParams = List.of();
        String dispositionField = header.first("Content-Disposition");
        if (dispositionField != null) {
            ContentFields.Value d = ContentFields.parse(dispositionField);
            if (!d.value().isEmpty()) {
                disposition = d.value().toLowerCase(Locale.ROOT);
                dispositionParams = d.parameters();
            }
        }
        String encoding = header.first("Content-Transfer-Encoding");
        return new BodyPart(type, subtype, params, emptyToNull(header.first("Content-ID")),
                emptyToNull(header.first("Content-Description")),
                encoding == null || encoding.isEmpty() ? "7bit" : encoding,
                emptyToNull(header.first("Content-MD5")), disposition, dispositionParams,
                ContentFields.languages(header.first("Content-Language")),
                emptyToNull(header.first("Content-Location")), headerStart, bodyStart, bodyEnd, lines,
                isMessage ? EnvelopeReader.read(header) : null, children);
    }

    /** RFC 2045 §5.2: text without charset is us-ascii; charset names are case-insensitive. */
    private static void normaliseCharset(List<String> params) {
        for (int i = 0; i + 1 < params.size(); i += 2) {
            if (params.get(i).equals("charset")) {
                params.set(i + 1, params.get(i + 1).toLowerCase(Locale.ROOT));
                return;
            }
        }
        params.add("charset");
        params.add("us-ascii");
    }

    private MimeHeader readHeader() {
        MimeHeader header = new MimeHeader();
        while (in.peek()) {
            if (isBoundary()) {
                return header;
            }
            boolean blank = in.isBlank();
            if (!blank) {
                header.addLine(in.head(), in.headLength());
            }
            in.consume();
            if (blank) {
                return header;
            }
        }
        return header;
    }

    private void multipartBody(String boundary, int depth, boolean digest, List<BodyPart> children) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.UTF_8);
        boundaries.add(delimiter);
        int level = boundaries.size() - 1;
        skipBody();
        boolean closed = false;
        while (in.peek()) {
            int found = boundaryLevel();
            if (found != level) {
                break;
            }
            closed = isCloseDelimiter(delimiter);
            in.consume();
            if (closed) {
                break;
            }
            children.add(entity(depth + 1, digest, false));
        }
        boundaries.remove(level);
        if (closed) {
            skipBody();
        }
    }

    /** Consumes lines up to the next boundary line of any enclosing multipart, or the end. */
    private void skipBody() {
        while (in.peek() && !isBoundary()) {
            in.consume();
        }
    }

    /** Where a body that stopped at the current position ends: before the boundary's line break. */
    private long bodyEnd(long bodyStart) {
        long end = in.position();
        if (in.peek() && isBoundary()) {
            end = Math.max(bodyStart, end - in.lastEol());
        }
        return end;
    }

    private long linesUpTo(long linesAtStart, long bodyEnd) {
        long lines = in.lineFeeds() - linesAtStart;
        if (bodyEnd < in.position() && in.lastEol() > 0 && lines > 0) {
            lines--;
        }
        return lines;
    }

    private boolean isBoundary() {
        return boundaryLevel() >= 0;
    }

    /**
     * The enclosing multipart whose boundary the peeked line is, or -1. The innermost is tried
     * first, so an inner boundary that extends an outer one ({@code --b} / {@code --b1}) is read
     * as the inner one.
     */
    private int boundaryLevel() {
        byte[] head = in.head();
        int n = in.headLength();
        if (n < 3 || head[0] != '-' || head[1] != '-') {
            return -1;
        }
        for (int level = boundaries.size() - 1; level >= 0; level--) {
            if (startsWith(head, n, boundaries.get(level))) {
                return level;
            }
        }
        return -1;
    }

    private boolean isCloseDelimiter(byte[] delimiter) {
        byte[] head = in.head();
        int n = in.headLength();
        return n >= delimiter.length + 2 && head[delimiter.length] == '-' && head[delimiter.length + 1] == '-';
    }

    private static boolean startsWith(byte[] head, int n, byte[] prefix) {
        if (n < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (head[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static BodyPart emptyTextPart(long at) {
        return new BodyPart("text", "plain", List.of("charset", "us-ascii"), null, null, "7bit", null, null,
                List.of(), null, null, at, at, at, 0, null, List.of());
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
