package dev.tern.imap.server;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GatheringOutputStreamTest {

    /** Records the size of every write it receives. */
    private static final class Recording extends ByteArrayOutputStream {
        final List<Integer> writes = new ArrayList<>();
        boolean closed;

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes.add(len);
            super.write(b, off, len);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void smallWritesArriveInBlocksLargeOnesDirectlyAllInOrder() throws IOException {
        Recording sink = new Recording();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (GatheringOutputStream out = new GatheringOutputStream(sink, 16)) {
            for (int i = 0; i < 10; i++) {
                out.write('a' + i);
                expected.write('a' + i);
            }
            byte[] big = "0123456789ABCDEFGHIJ".getBytes();   // larger than the array
            out.write(big, 0, big.length);
            expected.write(big, 0, big.length);
            byte[] mid = "xyz-xyz-xyz".getBytes();
            out.write(mid, 4, 7);
            out.write(mid, 0, 11);   // does not fit behind the 7: the 7 go first
            expected.write(mid, 4, 7);
            expected.write(mid, 0, 11);
            assertThat(sink.writes).containsExactly(10, 20, 7);
        }
        assertThat(sink.writes).containsExactly(10, 20, 7, 11);
        assertThat(sink.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(sink.closed).isTrue();
    }
}
