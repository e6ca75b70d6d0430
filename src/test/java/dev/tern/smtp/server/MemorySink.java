package dev.tern.smtp.server;

import dev.tern.store.BlobSink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A BlobSink that keeps the content in memory and records whether it was committed or aborted. */
final class MemorySink implements BlobSink {

    private final String id;
    private final ByteArrayOutputStream content = new ByteArrayOutputStream();
    private volatile boolean committed;
    private volatile boolean aborted;

    MemorySink(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public synchronized void write(ByteBuffer data) throws IOException {
        if (committed || aborted) {
            throw new IOException("sink " + id + " is closed");
        }
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        content.write(bytes);
    }

    @Override
    public synchronized long size() {
        return content.size();
    }

    @Override
    public synchronized void commit() throws IOException {
        if (aborted) {
            throw new IOException("sink " + id + " was aborted");
        }
        committed = true;
    }

    @Override
    public void abort() {
        aborted = true;
    }

    boolean committed() {
        return committed;
    }

    boolean aborted() {
        return aborted;
    }

    synchronized byte[] bytes() {
        return content.toByteArray();
    }
}
