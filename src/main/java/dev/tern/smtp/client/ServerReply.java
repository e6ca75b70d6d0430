package dev.tern.smtp.client;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A reply received from an SMTP server (RFC 5321 §4.2): the basic code, the RFC 3463 enhanced
 * status code when the server gave one (RFC 2034), and the text of each line without code,
 * separator or enhanced code.
 */
public record ServerReply(int code, String enhancedCode, List<String> lines) {

    private static final Pattern ENHANCED = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");

    public ServerReply {
        if (code < 100 || code > 599) {
            throw new IllegalArgumentException("not an SMTP reply code: " + code);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
        if (enhancedCode != null && !isEnhancedCode(enhancedCode, code)) {
            throw new IllegalArgumentException("not an enhanced status code for " + code + ": " + enhancedCode);
        }
        lines = List.copyOf(lines);
    }

    /** 2xx: the command succeeded. */
    public boolean isPositive() {
        return code / 100 == 2;
    }

    /** 3xx: the server waits for more (354 after DATA, 334 during AUTH). */
    public boolean isIntermediate() {
        return code / 100 == 3;
    }

    /** 4xx: failed for now; the same command may succeed later. */
    public boolean isTransient() {
        return code / 100 == 4;
    }

    /** 5xx: failed for good. */
    public boolean isPermanent() {
        return code / 100 == 5;
    }

    /** The text of every line, joined by a space (for messages and logs). */
    public String text() {
        return String.join(" ", lines);
    }

    /** The reply on one line: {@code 550 5.1.1 text of every line}. */
    @Override
    public String toString() {
        return code + (enhancedCode == null ? "" : " " + enhancedCode) + (text().isEmpty() ? "" : " " + text());
    }

    /** True when {@code s} is an enhanced status code whose class matches the basic code (2, 4 or 5). */
    static boolean isEnhancedCode(String s, int code) {
        return ENHANCED.matcher(s).matches() && s.charAt(0) - '0' == code / 100;
    }
}
