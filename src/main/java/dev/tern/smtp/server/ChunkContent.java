package dev.tern.smtp.server;

import java.nio.ByteBuffer;

/**
 * One BDAT chunk (RFC 3030 §2): exactly {@code size} octets, taken as they are. A chunk whose
 * command was refused is still read, and discarded, so that its bytes are never taken for commands.
 */
final class ChunkContent implements ContentReceiver {

    private long remaining;
    private final MessageBody body;
    private final LineEndingCheck lineCheck;

    /**
     * @param body      where the chunk goes, or null to discard it
     * @param lineCheck the transaction's bare CR/LF check, or null when the body is BINARYMIME
     */
    ChunkContent(long size, MessageBody body, LineEndingCheck lineCheck) {
        this.remaining = size;
        this.body = body;
        this.lineCheck = lineCheck;
    }

    static ChunkContent discard(long size) {
        return new ChunkContent(size, null, null);
    }

    @Override
    public boolean receive(ByteBuffer src) {
        int n = (int) Math.min(remaining, src.remaining());
        ByteBuffer chunk = src.slice();
        chunk.limit(n);
        src.position(src.position() + n);
        remaining -= n;
        if (body != null) {
            if (lineCheck != null && lineCheck.scan(chunk)) {
                body.fail(MessageBody.Failure.BARE_LINE_ENDING);
            }
            body.write(chunk);
        }
        return remaining == 0;
    }
}
