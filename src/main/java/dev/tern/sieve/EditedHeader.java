package dev.tern.sieve;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

/**
 * The header of a message as {@code addheader} and {@code deleteheader} (RFC 5293) left it at
 * the moment an action took the message: what local delivery files (keep, fileinto) or sends on
 * (redirect) instead of the message as it came. The body is the original's, read from the same
 * content the script read.
 *
 * <p>One instance per version of the header: actions that took the message while the header was
 * the same share it, and delivery writes its content once for them.
 */
public final class EditedHeader {

    private final HeaderFields fields;
    private final HeaderFields original;
    private final long bodyStart;
    private final byte[] separator;

    /**
     * @param bodyStart octets of the original content before its body: the header section and the
     *                  empty line that ends it
     * @param separator that empty line's octets (none for a message without a body)
     */
    EditedHeader(HeaderFields fields, HeaderFields original, long bodyStart, byte[] separator) {
        this.fields = fields;
        this.original = original;
        this.bodyStart = bodyStart;
        this.separator = separator;
    }

    /**
     * The edited message: its header section as edited, then the original's body.
     *
     * @param content the content the script read (the trace fields written at reception, then the
     *                message), from its first octet; closed with the stream returned
     * @param withTrace whether the trace fields written at reception stay in it; a copy sent on
     *                  leaves them out, as its verdict travels with it apart (and comes back above
     *                  it when it is delivered here)
     */
    public InputStream open(InputStream content, boolean withTrace) throws IOException {
        try {
            content.skipNBytes(bodyStart);
        } catch (IOException e) {
            content.close();
            throw e;
        }
        byte[] header = fields.bytes(withTrace);
        byte[] head = new byte[header.length + separator.length];
        System.arraycopy(header, 0, head, 0, header.length);
        System.arraycopy(separator, 0, head, header.length, separator.length);
        return new SequenceInputStream(new ByteArrayInputStream(head), content);
    }

    /**
     * The fields added above the message when they are the only change (the usual
     * {@code addheader} without {@code :last}), written out with their line ends: a copy filed
     * with these above the original content needs no content of its own. Null when the edit
     * changed more.
     */
    public String prepended() {
        return fields.prependedTo(original);
    }
}
