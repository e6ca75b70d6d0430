package dev.tern.delivery.dsn;

/** How much of the original message a report returns in its third part (RFC 6522 §3). */
public enum ReturnedContent {
    /** The whole message: {@code message/rfc822}, or {@code message/global} for SMTPUTF8 mail. */
    FULL_MESSAGE,
    /** Its header section: {@code text/rfc822-headers}, or {@code message/global-headers}. */
    HEADERS,
    /** Its header section, because the whole message was over the size limit. */
    HEADERS_BECAUSE_TOO_LARGE,
    /** Nothing: the original was not available. */
    NONE
}
