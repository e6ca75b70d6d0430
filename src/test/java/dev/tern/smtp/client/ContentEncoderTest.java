package dev.tern.smtp.client;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ContentEncoderTest {

    private static String encode(ContentEncoder.Mode mode, String... blocks) {
        ContentEncoder e = new ContentEncoder(mode);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String b : blocks) {
            out.writeBytes(e.encode(b.getBytes(StandardCharsets.UTF_8)));
        }
        out.writeBytes(e.finish());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void dotStuffingAndTerminator() {
        assertThat(encode(ContentEncoder.Mode.DATA, "Subject: x\r\n\r\n.hidden\r\n..two\r\nmid.dle\r\n.\r\n"))
                .isEqualTo("Subject: x\r\n\r\n..hidden\r\n...two\r\nmid.dle\r\n..\r\n.\r\n");
    }

    @Test
    void bareLineEndingsBecomeCrlf() {
        assertThat(encode(ContentEncoder.Mode.DATA, "a\nb\rc\r\n\n.d"))
                .isEqualTo("a\r\nb\r\nc\r\n\r\n..d\r\n.\r\n");
    }

    @Test
    void splitsAcrossBlocksAreHandled() {
        assertThat(encode(ContentEncoder.Mode.DATA, "line\r", "\n.", "dot\r", "", "\n", "x\r"))
                .isEqualTo("line\r\n..dot\r\nx\r\n.\r\n");
    }

    @Test
    void emptyContentIsJustTheTerminator() {
        assertThat(encode(ContentEncoder.Mode.DATA)).isEqualTo(".\r\n");
        assertThat(encode(ContentEncoder.Mode.CHUNKS)).isEmpty();
    }

    @Test
    void chunksRepairLineEndingsWithoutStuffing() {
        ContentEncoder e = new ContentEncoder(ContentEncoder.Mode.CHUNKS);
        assertThat(new String(e.encode(".a\nb".getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII)).isEqualTo(".a\r\nb");
        assertThat(new String(e.finish(), StandardCharsets.US_ASCII)).isEqualTo("\r\n");
        assertThat(e.octets()).isEqualTo(7);
    }

    @Test
    void binaryPassesUnchanged() {
        assertThat(encode(ContentEncoder.Mode.BINARY, ".a\nb\r", "\u0000")).isEqualTo(".a\nb\r\u0000");
    }

    @Test
    void octetsCountWhatIsSentBeforeTheTerminator() {
        ContentEncoder e = new ContentEncoder(ContentEncoder.Mode.DATA);
        e.encode(".x\n".getBytes(StandardCharsets.US_ASCII));
        e.finish();
        assertThat(e.octets()).isEqualTo(5);
    }
}
