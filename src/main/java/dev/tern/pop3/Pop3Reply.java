package dev.tern.pop3;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A POP3 response (RFC 1939 §3): {@code +OK} or {@code -ERR}, an optional RFC 2449 response code in
 * brackets, text, and for multi-line responses the dot-stuffed lines and the closing dot. SASL
 * challenges ({@code + base64}, RFC 5034) are replies too.
 */
public final class Pop3Reply {

    private final String text;

    private Pop3Reply(String text) {
        this.text = text;
    }

    public static Pop3Reply ok(String text) {
        return new Pop3Reply("+OK" + (text.isEmpty() ? "" : " " + clean(text)) + "\r\n");
    }

    public static Pop3Reply err(String text) {
        return new Pop3Reply("-ERR " + clean(text) + "\r\n");
    }

    /** An error with a response code: IN-USE, AUTH, SYS/TEMP, SYS/PERM (RFC 2449 §8, RFC 3206). */
    public static Pop3Reply err(String code, String text) {
        return new Pop3Reply("-ERR [" + code + "] " + clean(text) + "\r\n");
    }

    /** {@code +OK text} followed by lines, each dot-stuffed, and the terminating dot. */
    public static Pop3Reply multiline(String text, List<String> lines) {
        StringBuilder sb = new StringBuilder(ok(text).text);
        for (String line : lines) {
            sb.append(line.startsWith(".") ? "." : "").append(clean(line)).append("\r\n");
        }
        return new Pop3Reply(sb.append(".\r\n").toString());
    }

    /** A SASL challenge: {@code +} and the base64 data (RFC 5034 §4). */
    public static Pop3Reply challenge(String base64) {
        return new Pop3Reply("+ " + base64 + "\r\n");
    }

    public boolean isOk() {
        return text.startsWith("+OK");
    }

    public byte[] toBytes() {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The reply as sent, CRLFs included. */
    public String text() {
        return text;
    }

    /** Replies are one line each: nothing a client sent can break a reply into two. */
    private static String clean(String s) {
        return s.replace('\r', ' ').replace('\n', ' ');
    }

    @Override
    public String toString() {
        return text.strip();
    }
}
