package dev.tern.security.dkim;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The two canonicalization forms of RFC 6376 §3.4, each for the header fields and for the body. */
enum Canonicalization {

    /** Octets as they are (§3.4.1, §3.4.3): any change in transit breaks the signature. */
    SIMPLE("simple"),
    /** Whitespace runs and folding normalized, field names in lower case (§3.4.2, §3.4.4). */
    RELAXED("relaxed");

    private final String tagValue;

    Canonicalization(String tagValue) {
        this.tagValue = tagValue;
    }

    String tagValue() {
        return tagValue;
    }

    /** The form named in a {@code c=} value; null when it is neither. Names are case-insensitive. */
    static Canonicalization fromTagValue(String value) {
        for (Canonicalization c : values()) {
            if (c.tagValue.equalsIgnoreCase(value)) {
                return c;
            }
        }
        return null;
    }

    /** A field in this form, ending with CRLF. */
    byte[] header(HeaderField field) {
        return (headerWithoutCrlf(field) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A field in this form without the final CRLF: how a signature's own field is hashed (§3.7). */
    String headerWithoutCrlf(HeaderField field) {
        return this == SIMPLE ? field.raw() : RelaxedHeaderCanonicalizer.canonicalWithoutCrlf(field);
    }

    /** A stream that canonicalizes a body in this form into {@code out}. */
    BodyCanonicalizer body(OutputStream out) {
        return this == SIMPLE ? new SimpleBodyCanonicalizer(out) : new RelaxedBodyCanonicalizer(out);
    }
}
