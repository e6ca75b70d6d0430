package dev.tern.smtp.server;

import java.nio.ByteBuffer;

/** Takes the bytes that follow DATA or BDAT until the content is complete. */
interface ContentReceiver {

    /**
     * Consumes bytes from {@code src} (advancing its position) and never a byte beyond the end of
     * the content. Returns true once the content is complete.
     */
    boolean receive(ByteBuffer src);
}
