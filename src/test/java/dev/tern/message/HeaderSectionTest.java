package dev.tern.message;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class HeaderSectionTest {

    private static boolean nonAscii(String message) throws IOException {
        return HeaderSection.hasNonAscii(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void onlyTheHeaderSectionCounts() throws IOException {
        assertThat(nonAscii("Subject: hello\r\nFrom: a@example.org\r\n\r\nGrüße\r\n")).isFalse();
        assertThat(nonAscii("Subject: hello\n\nGrüße\n")).isFalse();
        assertThat(nonAscii("Subject: Grüße\r\n\r\nhello\r\n")).isTrue();
        assertThat(nonAscii("Subject: hello\r\nTo: =?utf-8?q?J=C3=B6rg?= <j@example.org>\r\n\r\n")).isFalse();
        assertThat(nonAscii("To: a@example.org,\r\n jörg@example.org\r\n\r\n")).isTrue();
        assertThat(nonAscii("Subject: no body, no empty line: ü")).isTrue();
        assertThat(nonAscii("")).isFalse();
    }
}
