package dev.tern.message;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class MessageIdReaderTest {

    private static String read(String content) {
        return MessageIdReader.read(content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void findsTheFieldInAnyCaseAndWithoutItsBrackets() {
        assertThat(read("From: a@b\r\nMessage-ID: <abc.123@example.org>\r\nSubject: x\r\n\r\nbody")).isEqualTo("abc.123@example.org");
        assertThat(read("message-id:<x@y>\r\n\r\n")).isEqualTo("x@y");
        assertThat(read("MESSAGE-ID: <x@y> (comment)\n\n")).isEqualTo("x@y");
    }

    @Test
    void joinsAFoldedFieldAndTakesTheFirst() {
        assertThat(read("Received: from x\r\n\tby y\r\nMessage-ID:\r\n <folded@example.org>\r\nMessage-ID: <second@x>\r\n\r\n"))
                .isEqualTo("folded@example.org");
    }

    @Test
    void looksOnlyInTheHeaderSection() {
        assertThat(read("Subject: x\r\n\r\nMessage-ID: <in-the-body@x>\r\n")).isNull();
        assertThat(read("Subject: x\r\nX-Message-ID: <other@x>\r\n\r\n")).isNull();
        assertThat(read("")).isNull();
        assertThat(read("Message-ID: <>\r\n\r\n")).isNull();
    }

    @Test
    void aFieldAtTheEndOfAHeaderWithoutBodyCounts() {
        assertThat(read("Subject: x\r\nMessage-ID: <last@x>\r\n")).isEqualTo("last@x");
        assertThat(read("Message-ID: bare-id@x")).isEqualTo("bare-id@x");
    }

    @Test
    void searchTermsAreNormalisedTheSameWay() {
        assertThat(MessageIdReader.normalise(" <a@b> ")).isEqualTo("a@b");
        assertThat(MessageIdReader.normalise("a@b")).isEqualTo("a@b");
        assertThat(MessageIdReader.normalise("  ")).isNull();
    }

    @Test
    void theArrayAndTheStreamReadTheSameId() throws java.io.IOException {
        java.util.Random random = new java.util.Random(7);
        String[] pieces = {"Message-ID:", "message-id: ", "<a@b>", " ", "\t", "\r", "\n", "\r\n", "x", "Subject: y",
                " <c@d>", "<", ">", "\r\n\r\n", "X-Message-ID: <e@f>"};
        for (int i = 0; i < 5000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                sb.append(pieces[random.nextInt(pieces.length)]);
            }
            assertSame(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        byte[] longLine = ("Message-ID: <" + "x".repeat(1200) + "@y>\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        assertSame(longLine);
        byte[] longHeader = ("Subject: " + "z".repeat(MessageIdReader.MAX_HEADER_BYTES) + "\r\nMessage-ID: <late@x>\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        assertSame(longHeader);
        byte[] cut = new byte[MessageIdReader.MAX_HEADER_BYTES + 10];
        java.util.Arrays.fill(cut, (byte) 'a');
        byte[] start = "Message-ID: <cut@x>\r\nX: ".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(start, 0, cut, 0, start.length);
        assertSame(cut);
        assertThat(MessageIdReader.read(cut)).isEqualTo("cut@x");
    }

    private static void assertSame(byte[] content) throws java.io.IOException {
        assertThat(MessageIdReader.read(content))
                .as("%s", new String(content, StandardCharsets.UTF_8))
                .isEqualTo(MessageIdReader.read(new java.io.ByteArrayInputStream(content)));
    }
}
