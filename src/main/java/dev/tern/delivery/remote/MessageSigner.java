package dev.tern.delivery.remote;

import dev.tern.smtp.client.MessageContent;
import dev.tern.store.Rows;

/**
 * Header fields to put on top of a message as it leaves (DKIM signatures). Called once per
 * delivery of a message, off the I/O threads; it may read the whole message, from
 * {@code content}: exactly what will be sent after the fields it returns.
 */
@FunctionalInterface
public interface MessageSigner {

    MessageSigner NONE = (message, content) -> new byte[0];

    /** The header fields to prepend (CRLF-terminated), or an empty array. */
    byte[] headersFor(Rows.QueuedMessage message, MessageContent content) throws java.io.IOException;
}
