package dev.tern.imap.protocol;

import java.io.InputStream;
import java.util.Base64;
import java.util.List;

/**
 * What IMAP needs to know about a stored message's MIME structure, computed once when the
 * message is stored and kept in the mailbox index: the envelope, the BODYSTRUCTURE tree and the
 * offsets of every part, so FETCH never re-parses the message and streams sections from byte
 * ranges.
 *
 * @param root the message as an entity: its header is the message header, its envelope the
 *             message's envelope
 * @param size the message's size in octets
 */
public record MessageStructure(BodyPart root, long size) {

    /**
     * Reads the message once from {@code message} (which is read to its end, not closed). Never
     * fails on malformed MIME; only I/O errors propagate, as {@link java.io.UncheckedIOException}.
     */
    public static MessageStructure parse(InputStream message) {
        LineSource lines = new LineSource(message);
        BodyPart root = new StructureScanner(lines).message();
        // Whatever follows the last part (nothing, normally) still counts towards the size.
        while (lines.peek()) {
            lines.consume();
        }
        return new MessageStructure(root, lines.position());
    }

    public Envelope envelope() {
        return root.envelope();
    }

    /** The part a section's part path names (see {@link SectionLocator}), or null. */
    public BodyPart part(List<Integer> path) {
        return SectionLocator.part(this, path);
    }

    /** The compact, versioned binary form for the index. */
    public byte[] toBytes() {
        return StructureCodec.encode(this);
    }

    /**
     * Reads the binary form back. {@link IllegalArgumentException} when it is not one, or of a
     * version this code does not know: the caller then parses the message again.
     */
    public static MessageStructure fromBytes(byte[] bytes) {
        return StructureCodec.decode(bytes);
    }

    /** {@link #toBytes()} as base64, for a text column. */
    public String toCompactString() {
        return Base64.getEncoder().withoutPadding().encodeToString(toBytes());
    }

    public static MessageStructure fromCompactString(String s) {
        try {
            return fromBytes(Base64.getDecoder().decode(s));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a message structure: " + e.getMessage(), e);
        }
    }
}
