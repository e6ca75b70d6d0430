package dev.tern.smtp.server;

import java.nio.ByteBuffer;

/** DATA content: dot-unstuffed by a {@link DataReader} and written to the message body. */
final class DataContent implements ContentReceiver {

    private static final int BUFFER = 8192;

    private final DataReader reader = new DataReader();
    private final MessageBody body;
    private final ByteBuffer out = ByteBuffer.allocate(BUFFER);

    DataContent(MessageBody body) {
        this.body = body;
    }

    @Override
    public boolean receive(ByteBuffer src) {
        while (src.hasRemaining() && !reader.isDone()) {
            out.clear();
            reader.read(src, out);
            out.flip();
            if (reader.sawBareLineEnding()) {
                body.fail(MessageBody.Failure.BARE_LINE_ENDING);
            }
            body.write(out);
        }
        return reader.isDone();
    }
}
