package dev.tern.milter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A message's content kept while the filters look at it: in memory up to {@link #MEMORY} bytes, in
 * a file of its own beyond (deleted when the content is let go), so that many large messages at
 * once do not fill the heap.
 */
final class HeldContent implements AutoCloseable {

    static final int MEMORY = 1024 * 1024;

    private final Path spoolDir;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream();
    private Path file;
    private FileChannel channel;
    private long size;

    /** @param spoolDir where a large content is written; created when needed */
    HeldContent(Path spoolDir) {
        this.spoolDir = spoolDir;
    }

    void write(ByteBuffer in) {
        int n = in.remaining();
        try {
            if (channel == null && memory.size() + n > MEMORY) {
                Files.createDirectories(spoolDir);
                file = Files.createTempFile(spoolDir, "milter-", ".eml");
                channel = FileChannel.open(file, StandardOpenOption.WRITE);
                channel.write(ByteBuffer.wrap(memory.toByteArray()));
                memory = null;
            }
            if (channel != null) {
                while (in.hasRemaining()) {
                    channel.write(in);
                }
            } else {
                byte[] b = new byte[n];
                in.get(b);
                memory.write(b, 0, n);
            }
            size += n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long size() {
        return size;
    }

    /** The content from its start. */
    InputStream open() throws IOException {
        if (channel == null) {
            return new ByteArrayInputStream(memory.toByteArray());
        }
        return Files.newInputStream(file);
    }

    @Override
    public void close() {
        memory = null;
        if (channel != null) {
            try {
                channel.close();
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover is swept from the spool directory at the next start (MilterClient)
            }
            channel = null;
        }
    }
}
