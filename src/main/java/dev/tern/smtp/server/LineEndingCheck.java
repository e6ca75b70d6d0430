package dev.tern.smtp.server;

import java.nio.ByteBuffer;

/**
 * Finds bare CR and bare LF in BDAT content (RFC 3030), whose chunks are not dot-stuffed. Tern
 * refuses them unless the body is BINARYMIME: text that is later relayed with DATA must not carry
 * line endings that another server could read as the end of data (SMTP smuggling, CVE-2023-51764;
 * RFC 5321 §2.3.8). State carries over between chunks, so a CRLF split across two chunks is fine.
 */
final class LineEndingCheck {

    private boolean afterCr;
    private boolean bare;

    /** Scans the remaining bytes of {@code bytes} without moving its position; returns {@link #sawBareLineEnding()}. */
    boolean scan(ByteBuffer bytes) {
        for (int i = bytes.position(); i < bytes.limit(); i++) {
            byte b = bytes.get(i);
            if (afterCr && b != '\n') {
                bare = true;
            } else if (!afterCr && b == '\n') {
                bare = true;
            }
            afterCr = b == '\r';
        }
        return bare;
    }

    /** Called at the end of the content: a CR that ends it is bare too. */
    boolean finish() {
        if (afterCr) {
            bare = true;
        }
        return bare;
    }

    boolean sawBareLineEnding() {
        return bare;
    }
}
