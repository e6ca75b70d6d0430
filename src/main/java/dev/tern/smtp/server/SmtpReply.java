package dev.tern.smtp.server;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One SMTP reply: a basic code, an RFC 3463 enhanced status code (absent only where RFC 2034 §3
 * exempts it: the greeting, the answers to HELO and EHLO, and 3xx replies) and one or more lines
 * of text.
 *
 * <p>Formatting follows RFC 5321 §4.2: every line but the last is {@code code-text}, the last is
 * {@code code text}; the enhanced code is repeated on each line (RFC 2034 §3). Text is reduced to
 * printable US-ASCII and each line to 512 octets (RFC 5321 §4.5.3.1.5; SASL challenges, 334, to
 * 12288 octets as RFC 4954 §4 allows), so that nothing a client
 * sent can break the framing of a reply.
 */
public record SmtpReply(int code, String enhancedCode, List<String> lines) {

    private static final int MAX_LINE = 512;
    /** RFC 4954 §4: a SASL challenge line may be 12288 octets long, so 334 replies get that bound. */
    static final int MAX_AUTH_LINE = 12288;

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("not an SMTP reply code: " + code);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
        lines = List.copyOf(lines);
    }

    /** A one-line reply with an enhanced status code. */
    public static SmtpReply of(int code, String enhancedCode, String text) {
        return new SmtpReply(code, enhancedCode, List.of(text));
    }

    /** A one-line reply without an enhanced status code (greeting, HELO/EHLO responses, 354). */
    public static SmtpReply plain(int code, String text) {
        return new SmtpReply(code, null, List.of(text));
    }

    public boolean isPositive() {
        return code < 400;
    }

    /** The reply as sent on the wire, CRLF-terminated lines. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            StringBuilder line = new StringBuilder();
            line.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (enhancedCode != null) {
                line.append(enhancedCode).append(' ');
            }
            appendPrintable(line, lines.get(i));
            int max = code == 334 ? MAX_AUTH_LINE : MAX_LINE;
            if (line.length() > max - 2) {
                line.setLength(max - 2);
            }
            sb.append(line).append("\r\n");
        }
        return sb.toString();
    }

    public byte[] toBytes() {
        return format().getBytes(StandardCharsets.US_ASCII);
    }

    /** The reply on one line, for logs: {@code 550 5.1.1 text}. */
    @Override
    public String toString() {
        String f = format();
        return f.substring(0, f.indexOf('\r')) + (lines.size() > 1 ? " …" : "");
    }

    /** The text reduced to printable US-ASCII: safe on the wire and in a log line. */
    static String printable(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        appendPrintable(sb, text);
        return sb.toString();
    }

    private static void appendPrintable(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c >= 32 && c < 127 || c == '\t' ? c : '?');
        }
    }
}
