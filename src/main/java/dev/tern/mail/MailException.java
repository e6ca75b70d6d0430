package dev.tern.mail;

/**
 * The one exception type for mail errors: it carries what an SMTP reply needs (basic code,
 * RFC 3463 enhanced code, words a sender can act on) and which component raised it.
 * Whether it is temporary or permanent follows from the code (4xx or 5xx).
 */
public class MailException extends RuntimeException {

    private final int code;
    private final String enhancedCode;
    private final String component;

    public MailException(int code, String enhancedCode, String text, String component) {
        this(code, enhancedCode, text, component, null);
    }

    public MailException(int code, String enhancedCode, String text, String component, Throwable cause) {
        super(text, cause);
        this.code = code;
        this.enhancedCode = enhancedCode;
        this.component = component;
    }

    /** A temporary local failure (451 4.3.0): the sender should try again later. */
    public static MailException temporary(String text, String component, Throwable cause) {
        return new MailException(451, "4.3.0", text, component, cause);
    }

    public int code() {
        return code;
    }

    public String enhancedCode() {
        return enhancedCode;
    }

    public String component() {
        return component;
    }

    public boolean isTemporary() {
        return code / 100 == 4;
    }

    /** The text that may be shown to the peer: never a stack trace or a file path. */
    public String text() {
        return getMessage();
    }
}
