package dev.tern.smtp.client;

import java.io.ByteArrayOutputStream;

/**
 * Turns message content into what goes on the wire, one block at a time. Pure and stateful: a
 * line ending or a leading dot split across two blocks is handled the same as within one.
 *
 * <ul>
 *   <li>{@link Mode#DATA}: every bare LF and bare CR becomes CRLF (RFC 5321 §2.3.8 forbids them;
 *       a server that accepts them is open to SMTP smuggling), a line starting with "." gets a
 *       second "." (RFC 5321 §4.5.2), the content ends with CRLF, and {@link #finish()} adds the
 *       terminating {@code .CRLF}.</li>
 *   <li>{@link Mode#CHUNKS}: the same line-ending repair for BDAT, without dot-stuffing or
 *       terminator (RFC 3030 counts octets instead).</li>
 *   <li>{@link Mode#BINARY}: content passes unchanged (BDAT with BODY=BINARYMIME).</li>
 * </ul>
 */
public final class ContentEncoder {

    public enum Mode { DATA, CHUNKS, BINARY }

    private final Mode mode;
    private boolean atLineStart = true;
    private boolean pendingCr;
    private long octets;

    public ContentEncoder(Mode mode) {
        this.mode = mode;
    }

    /** Encodes the next block of content. */
    public byte[] encode(byte[] block, int offset, int length) {
        if (mode == Mode.BINARY) {
            byte[] copy = java.util.Arrays.copyOfRange(block, offset, offset + length);
            octets += length;
            atLineStart = length == 0 ? atLineStart : block[offset + length - 1] == '\n';
            return copy;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + length / 32 + 4);
        for (int i = offset; i < offset + length; i++) {
            byte b = block[i];
            if (pendingCr) {
                pendingCr = false;
                newLine(out);
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\r') {
                pendingCr = true;
            } else if (b == '\n') {
                newLine(out);
            } else {
                if (atLineStart && b == '.' && mode == Mode.DATA) {
                    out.write('.');
                }
                out.write(b);
                atLineStart = false;
            }
        }
        octets += out.size();
        return out.toByteArray();
    }

    public byte[] encode(byte[] block) {
        return encode(block, 0, block.length);
    }

    /**
     * What ends the content: a pending CR as CRLF, a CRLF when the content did not end with one
     * (text modes), and {@code .CRLF} in DATA mode.
     */
    public byte[] finish() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8);
        if (mode != Mode.BINARY) {
            if (pendingCr) {
                pendingCr = false;
                newLine(out);
            }
            if (!atLineStart) {
                newLine(out);
            }
        }
        octets += out.size();
        if (mode == Mode.DATA) {
            out.write('.');
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Content octets produced so far (dot-stuffing included, the terminating ".CRLF" not). */
    public long octets() {
        return octets;
    }

    private void newLine(ByteArrayOutputStream out) {
        out.write('\r');
        out.write('\n');
        atLineStart = true;
    }
}
