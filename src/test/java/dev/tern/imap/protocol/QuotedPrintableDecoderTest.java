package dev.tern.imap.protocol;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class QuotedPrintableDecoderTest {

    private static String decode(String encoded) {
        try (InputStream in = new QuotedPrintableDecoder(new ByteArrayInputStream(encoded.getBytes(StandardCharsets.ISO_8859_1)))) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Octet by octet, as a reader with a one-byte buffer sees it. */
    private static String decodeByteByByte(String encoded) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = new QuotedPrintableDecoder(new ByteArrayInputStream(encoded.getBytes(StandardCharsets.ISO_8859_1)))) {
            for (int b = in.read(); b >= 0; b = in.read()) {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void escapesAndSoftLineBreaksAreDecoded() {
        assertThat(decode("Caf=C3=A9 at four, see you =\r\nthere.\r\n")).isEqualTo("Caf\u00c3\u00a9 at four, see you there.\r\n");
        assertThat(decode("lower =c3=a9 case")).isEqualTo("lower \u00c3\u00a9 case");
        assertThat(decode("bare LF =\nsoft break\n")).isEqualTo("bare LF soft break\n");
        assertThat(decode("padding after =  \t\r\nthe equals sign")).isEqualTo("padding after the equals sign");
        // The CRLF before a multipart boundary belongs to the boundary: "=" ends the part.
        assertThat(decode("ends softly=")).isEqualTo("ends softly");
        assertThat(decode("ends softly= \t")).isEqualTo("ends softly");
        assertThat(decode("=3D=20=09")).isEqualTo("= \t");
    }

    @Test
    void invalidEscapesAreKeptOctetForOctetAndLineBreaksAreNeverDoubled() {
        assertThat(decode("=ZZ=4\r\nabc=\r\n")).isEqualTo("=ZZ=4\r\nabc");
        assertThat(decode("=4")).isEqualTo("=4");
        assertThat(decode("=")).isEmpty();
        assertThat(decode("a=\rb")).isEqualTo("a=\rb");
        assertThat(decode("==41")).isEqualTo("=A");
        assertThat(decode("=G1 =1G")).isEqualTo("=G1 =1G");
        assertThat(decode("= x")).isEqualTo("= x");
    }

    @Test
    void blanksAtTheEndOfALineAreTransportPadding() {
        assertThat(decode("trailing  \t\r\nnext \nlast  ")).isEqualTo("trailing\r\nnext\nlast");
        assertThat(decode("inner \t blanks stay")).isEqualTo("inner \t blanks stay");
        // Blanks before a soft line break are content: the "=" says the line goes on.
        assertThat(decode("kept  =\r\nhere")).isEqualTo("kept  here");
        assertThat(decode("a \rb")).isEqualTo("a \rb");
    }

    @Test
    void aRunOfBlanksLongerThanTheLimitIsKeptSoThatMemoryStaysBounded() {
        String many = " ".repeat(QuotedPrintableDecoder.MAX_BLANKS + 10);
        String decoded = decode("x" + many + "\r\ny");
        // The first MAX_BLANKS are kept; the last ten, at the end of the line, are padding.
        assertThat(decoded).isEqualTo("x" + " ".repeat(QuotedPrintableDecoder.MAX_BLANKS) + "\r\ny");
        assertThat(decode("x" + " ".repeat(QuotedPrintableDecoder.MAX_BLANKS) + "\r\ny")).isEqualTo("x\r\ny");
    }

    @Test
    void longInputDecodesTheSameInOneGoAndOctetByOctet() throws IOException {
        StringBuilder encoded = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            // Escapes, soft breaks, padding and invalid escapes fall on every offset of the input buffer.
            encoded.append("line ").append(i).append(" =41=ZZ ").append(i % 3 == 0 ? "=\r\n" : " \r\n");
            // A blank before "=" is content; blanks before a CRLF are padding.
            expected.append("line ").append(i).append(" A=ZZ").append(i % 3 == 0 ? " " : "\r\n");
        }
        assertThat(decode(encoded.toString())).isEqualTo(expected.toString());
        assertThat(decodeByteByByte(encoded.toString())).isEqualTo(expected.toString());
    }
}
