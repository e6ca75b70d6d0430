package dev.tern.imap.server;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Gathers small writes in an array and passes them on in blocks; a write as large as the array
 * goes straight through. Like {@link java.io.BufferedOutputStream} without its lock, which costs
 * more than the copy on writes of a few octets: a response of ten thousand FETCH lines is made of
 * a hundred thousand of them. One thread at a time.
 */
final class GatheringOutputStream extends OutputStream {

    private final OutputStream out;
    private final byte[] buf;
    private int count;

    GatheringOutputStream(OutputStream out, int size) {
        this.out = out;
        this.buf = new byte[size];
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buf.length) {
            drain();
        }
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len >= buf.length) {
            drain();
            out.write(b, off, len);
            return;
        }
        if (len > buf.length - count) {
            drain();
        }
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            drain();
        } finally {
            out.close();
        }
    }

    private void drain() throws IOException {
        if (count > 0) {
            out.write(buf, 0, count);
            count = 0;
        }
    }
}
