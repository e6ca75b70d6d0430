package dev.tern.smtp.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A message to transmit after DATA or in BDAT chunks, opened when it is sent. Streams are read
 * on the client's blocking-work executor, never on an I/O thread, a block at a time, so a
 * message of any size is sent in bounded memory.
 */
@FunctionalInterface
public interface MessageContent {

    /** A fresh stream over the whole message (header and body, RFC 5322). The client closes it. */
    InputStream open() throws IOException;

    static MessageContent of(byte[] message) {
        return () -> new ByteArrayInputStream(message);
    }
}
