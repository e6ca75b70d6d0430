package dev.tern.mailbox;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class PrefixedInputStreamTest {

    private static final byte[] PREFIX = "Return-Path: <a@b.test>\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT = "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

    /** A content that counts the octets read from it, as a file read through would. */
    private static final class CountingContent extends ByteArrayInputStream {
        long read;

        CountingContent(byte[] b) {
            super(b);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            int n = super.read(b, off, len);
            read += Math.max(n, 0);
            return n;
        }

        @Override
        public synchronized int read() {
            int c = super.read();
            read += c < 0 ? 0 : 1;
            return c;
        }
    }

    @Test
    void readsThePrefixThenTheContent() throws IOException {
        InputStream in = new PrefixedInputStream(PREFIX, new ByteArrayInputStream(CONTENT));
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII))
                .isEqualTo("Return-Path: <a@b.test>\r\nSubject: x\r\n\r\nbody\r\n");
    }

    @Test
    void aSkipPastThePrefixIsPassedToTheContentWithoutReadingIt() throws IOException {
        CountingContent content = new CountingContent(CONTENT);
        InputStream in = new PrefixedInputStream(PREFIX, content);
        in.skipNBytes(PREFIX.length + 14);
        assertThat(content.read).isZero();
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("body\r\n");
    }

    @Test
    void aSkipWithinThePrefixThenReadsOnAcrossTheBoundary() throws IOException {
        InputStream in = new PrefixedInputStream(PREFIX, new ByteArrayInputStream(CONTENT));
        in.skipNBytes(13);
        assertThat(new String(in.readNBytes(12 + 9), StandardCharsets.US_ASCII)).isEqualTo("<a@b.test>\r\nSubject: ");
        assertThat(in.skip(0)).isZero();
        assertThat(in.skip(1000)).isEqualTo(CONTENT.length - 9);
        assertThat(in.read()).isEqualTo(-1);
    }
}
