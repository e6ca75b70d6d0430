package dev.tern.mailbox;

import java.io.IOException;
import java.io.InputStream;

/**
 * A message as stored: its header prefix (Return-Path, Delivered-To, trace fields), then its
 * content. Unlike a {@link java.io.SequenceInputStream}, a skip is passed on to the content's own
 * stream, which seeks in a file instead of reading what it skips: an IMAP client that fetches a
 * large message in partial pieces (16 KiB at a time is common) would otherwise have each piece
 * read everything before it.
 */
final class PrefixedInputStream extends InputStream {

    private final byte[] prefix;
    private final InputStream content;
    private int position;

    PrefixedInputStream(byte[] prefix, InputStream content) {
        this.prefix = prefix;
        this.content = content;
    }

    @Override
    public int read() throws IOException {
        if (position < prefix.length) {
            return prefix[position++] & 0xff;
        }
        return content.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (position < prefix.length) {
            int n = Math.min(len, prefix.length - position);
            System.arraycopy(prefix, position, b, off, n);
            position += n;
            return n;
        }
        return content.read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        long skipped = 0;
        if (position < prefix.length) {
            int step = (int) Math.min(n, prefix.length - position);
            position += step;
            skipped = step;
        }
        if (skipped < n) {
            skipped += content.skip(n - skipped);
        }
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return position < prefix.length ? prefix.length - position : content.available();
    }

    @Override
    public void close() throws IOException {
        content.close();
    }
}
