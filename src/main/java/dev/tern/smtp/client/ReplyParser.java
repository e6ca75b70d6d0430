package dev.tern.smtp.client;

import java.util.ArrayList;
import java.util.List;

/**
 * Assembles SMTP replies (RFC 5321 §4.2) from the lines a server sends: {@code code-text} for
 * every line but the last, {@code code text} (or a bare code) for the last. Pure: no I/O, fed one
 * line at a time, unit-tested without sockets.
 *
 * <p>The enhanced status code (RFC 2034 §3) is taken from the first line when its class matches
 * the basic code, and removed from every line that repeats it. Lines of one reply must carry the
 * same code; a reply may have at most {@value #MAX_LINES} lines, so a server cannot make the client
 * hold an unbounded reply.
 */
public final class ReplyParser {

    static final int MAX_LINES = 1000;

    private final List<String> raw = new ArrayList<>();
    private int code = -1;

    /**
     * Takes one line (without its line ending).
     *
     * @return the complete reply when this line ends one, else null
     * @throws SmtpClientException of kind {@link SmtpClientException.Kind#PROTOCOL} when the line is not part of a valid reply
     */
    public ServerReply line(String line) {
        if (line.length() < 3 || !isDigits(line) || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
            throw malformed("not an SMTP reply line: " + shorten(line));
        }
        int lineCode = Integer.parseInt(line.substring(0, 3));
        if (lineCode < 200 || lineCode > 599) {
            throw malformed("reply code out of range: " + shorten(line));
        }
        if (code >= 0 && lineCode != code) {
            throw malformed("reply lines with different codes: " + code + " then " + lineCode);
        }
        code = lineCode;
        raw.add(line.length() > 4 ? line.substring(4) : "");
        if (raw.size() > MAX_LINES) {
            throw malformed("reply longer than " + MAX_LINES + " lines");
        }
        boolean last = line.length() == 3 || line.charAt(3) == ' ';
        if (!last) {
            return null;
        }
        ServerReply reply = build(code, raw);
        raw.clear();
        code = -1;
        return reply;
    }

    /** True while the lines of a multi-line reply are being received. */
    public boolean inReply() {
        return code >= 0;
    }

    /** Parses one whole reply, its lines separated by CRLF or LF. */
    public static ServerReply parse(String text) {
        ReplyParser parser = new ReplyParser();
        String[] lines = text.split("\r?\n", -1);
        int count = lines.length;
        if (count > 1 && lines[count - 1].isEmpty()) {
            count--;  // the line ending of the last line
        }
        for (int i = 0; i < count; i++) {
            ServerReply reply = parser.line(lines[i]);
            if (reply != null) {
                if (i != count - 1) {
                    throw malformed("text after the end of the reply");
                }
                return reply;
            }
        }
        throw malformed("incomplete reply: the last line is a continuation line");
    }

    private static ServerReply build(int code, List<String> raw) {
        String first = raw.get(0);
        int space = first.indexOf(' ');
        String candidate = space < 0 ? first : first.substring(0, space);
        String enhanced = ServerReply.isEnhancedCode(candidate, code) ? candidate : null;
        List<String> lines = new ArrayList<>(raw.size());
        for (String text : raw) {
            lines.add(enhanced == null ? text : stripCode(text, enhanced));
        }
        return new ServerReply(code, enhanced, lines);
    }

    private static String stripCode(String text, String enhanced) {
        if (text.equals(enhanced)) {
            return "";
        }
        return text.startsWith(enhanced + " ") ? text.substring(enhanced.length() + 1) : text;
    }

    private static boolean isDigits(String line) {
        for (int i = 0; i < 3; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static String shorten(String line) {
        String s = line.length() > 80 ? line.substring(0, 80) + "…" : line;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c < 32 || c == 127 ? '?' : c);
        }
        return "\"" + sb + "\"";
    }

    private static SmtpClientException malformed(String message) {
        return new SmtpClientException(SmtpClientException.Kind.PROTOCOL, "malformed reply from the server: " + message);
    }
}
