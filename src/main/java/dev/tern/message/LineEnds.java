package dev.tern.message;

/** Line ends as mail has them (RFC 5322 §2.1: CRLF), whatever a caller's text used. */
public final class LineEnds {

    private LineEnds() {
    }

    /** Every line end (CRLF, LF or a lone CR) as CRLF. */
    public static String crlf(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
    }

    /** {@link #crlf}, with a CRLF at the end of non-empty text that lacks one. */
    public static String crlfTerminated(String text) {
        String t = crlf(text);
        return t.isEmpty() || t.endsWith("\r\n") ? t : t + "\r\n";
    }
}
