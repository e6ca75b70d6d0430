package dev.tern.smtp.server;

/** The MAIL FROM BODY= parameter: RFC 6152 (7BIT, 8BITMIME) and RFC 3030 (BINARYMIME). */
public enum BodyType {
    SEVEN_BIT("7BIT"), EIGHT_BIT_MIME("8BITMIME"), BINARY_MIME("BINARYMIME");

    private final String keyword;

    BodyType(String keyword) {
        this.keyword = keyword;
    }

    /** The value as written in the BODY= parameter and stored in the envelope. */
    public String keyword() {
        return keyword;
    }

    /** The body type for a BODY= value (case-insensitive), or null when it is none of them. */
    public static BodyType fromKeyword(String value) {
        for (BodyType t : values()) {
            if (t.keyword.equalsIgnoreCase(value)) {
                return t;
            }
        }
        return null;
    }
}
