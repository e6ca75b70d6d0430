package dev.tern.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class MultilineEncoderTest {

    /** Encodes the text split into chunks of {@code chunk} bytes, as the handler does. */
    private static String encode(String text, long bodyLines, int chunk) {
        MultilineEncoder e = new MultilineEncoder(bodyLines);
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ByteBuf out = Unpooled.buffer();
        for (int i = 0; i < b.length && !e.done(); i += chunk) {
            e.encode(b, i, Math.min(chunk, b.length - i), out);
        }
        e.finish(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void dotsAtLineStartAreDoubledWhateverTheChunks() {
        String message = "Subject: x\r\n\r\n.one\r\n..two\r\nthree.\r\n.\r\n";
        String expected = "Subject: x\r\n\r\n..one\r\n...two\r\nthree.\r\n..\r\n.\r\n";
        for (int chunk : new int[]{1, 2, 3, 7, 1000}) {
            assertThat(encode(message, -1, chunk)).as("chunks of %d", chunk).isEqualTo(expected);
        }
    }

    @Test
    void bareLineFeedsBecomeCrlfAndAnOpenLastLineIsClosed() {
        assertThat(encode("a: b\n\nbody", -1, 3)).isEqualTo("a: b\r\n\r\nbody\r\n.\r\n");
        assertThat(encode("", -1, 1)).isEqualTo(".\r\n");
        assertThat(encode("x\r", -1, 1)).isEqualTo("x\r\n.\r\n");
    }

    @Test
    void topSendsTheHeaderTheBlankLineAndNBodyLines() {
        String message = "A: 1\r\nB: 2\r\n\r\nl1\r\n.l2\r\nl3\r\n";
        assertThat(encode(message, 0, 4)).isEqualTo("A: 1\r\nB: 2\r\n\r\n.\r\n");
        assertThat(encode(message, 2, 4)).isEqualTo("A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\n.\r\n");
        assertThat(encode(message, 10, 4)).isEqualTo("A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\nl3\r\n.\r\n");
        assertThat(encode("A: 1\r\nB: 2\r\n", 5, 4)).as("no body at all").isEqualTo("A: 1\r\nB: 2\r\n.\r\n");
    }
}
