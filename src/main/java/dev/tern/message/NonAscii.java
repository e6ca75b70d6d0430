package dev.tern.message;

import java.io.IOException;
import java.io.InputStream;

/**
 * Whether a message has octets outside US-ASCII, read from the start of its content: what decides
 * if it really needs SMTPUTF8 (UTF-8 header values, RFC 6532) or 8BITMIME (8-bit content,
 * RFC 6152) from the next server, whatever its sender declared.
 */
public final class NonAscii {

    private NonAscii() {
    }

    /** In the header section: up to the first empty line, and no further. */
    public static boolean inHeaderSection(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        int lineLength = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b < 0) {
                    return true;
                }
                if (b == '\n') {
                    if (lineLength == 0) {
                        return false;
                    }
                    lineLength = 0;
                } else if (b != '\r') {
                    lineLength++;
                }
            }
        }
        return false;
    }

    /** Anywhere in the message. */
    public static boolean anywhere(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] < 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
