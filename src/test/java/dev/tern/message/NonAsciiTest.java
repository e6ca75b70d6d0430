package dev.tern.message;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class NonAsciiTest {

    private static InputStream of(String message) {
        return new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void inTheHeaderSectionOnlyTheHeaderSectionCounts() throws IOException {
        assertThat(NonAscii.inHeaderSection(of("Subject: hello\r\nFrom: a@example.org\r\n\r\nGrüße\r\n"))).isFalse();
        assertThat(NonAscii.inHeaderSection(of("Subject: hello\n\nGrüße\n"))).isFalse();
        assertThat(NonAscii.inHeaderSection(of("Subject: Grüße\r\n\r\nhello\r\n"))).isTrue();
        assertThat(NonAscii.inHeaderSection(of("Subject: hello\r\nTo: =?utf-8?q?J=C3=B6rg?= <j@example.org>\r\n\r\n")))
                .isFalse();
        assertThat(NonAscii.inHeaderSection(of("To: a@example.org,\r\n jörg@example.org\r\n\r\n"))).isTrue();
        assertThat(NonAscii.inHeaderSection(of("Subject: no body, no empty line: ü"))).isTrue();
        assertThat(NonAscii.inHeaderSection(of(""))).isFalse();
    }

    @Test
    void anywhereIsTheWholeMessage() throws IOException {
        assertThat(NonAscii.anywhere(of("Subject: hello\r\n\r\n" + "x".repeat(200_000) + "Grüße\r\n"))).isTrue();
        assertThat(NonAscii.anywhere(of("Subject: hello\r\n\r\n" + "x".repeat(200_000) + "\r\n"))).isFalse();
    }
}
