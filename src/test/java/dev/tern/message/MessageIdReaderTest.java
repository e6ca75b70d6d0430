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
}
