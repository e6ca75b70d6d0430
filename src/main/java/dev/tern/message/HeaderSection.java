package dev.tern.message;

import java.io.IOException;
import java.io.InputStream;

/** Facts about a message's header section, read from the start of its content and no further. */
public final class HeaderSection {

    private HeaderSection() {
    }

    /**
     * Whether any octet of the header section (up to the first empty line) is outside US-ASCII:
     * UTF-8 header values (RFC 6532), which only a server announcing SMTPUTF8 may be sent.
     */
    public static boolean hasNonAscii(InputStream in) throws IOException {
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
}
