package dev.tern.imap.protocol;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TransferDecodingTest {

    @Test
    void onlyTheEncodingsOfRfc2045AreKnown() {
        for (String known : new String[]{null, "", "7bit", "8BIT", "Binary", " base64 ", "Quoted-Printable"}) {
            assertThat(TransferDecoding.known(known)).as(known).isTrue();
        }
        for (String unknown : new String[]{"x-uuencode", "uuencode", "x-gzip", "8bits"}) {
            assertThat(TransferDecoding.known(unknown)).as(unknown).isFalse();
        }
    }

    @Test
    void base64AndQuotedPrintableAreDecodedTheRestPasses() throws IOException {
        assertThat(decoded("aGVsbG8=\r\n", "BASE64")).isEqualTo("hello");
        assertThat(decoded("caf=C3=A9=\r\n", "quoted-printable")).isEqualTo("caf\u00c3\u00a9");
        assertThat(decoded("=C3=A9", "8bit")).isEqualTo("=C3=A9");
        assertThat(decoded("begin 644 x\r\n", "x-uuencode")).isEqualTo("begin 644 x\r\n");
    }

    private static String decoded(String body, String encoding) throws IOException {
        try (InputStream in = TransferDecoding.decoded(new ByteArrayInputStream(body.getBytes(StandardCharsets.ISO_8859_1)),
                encoding)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
