package dev.tern.message;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TopHeaderTest {

    private static String of(String content, boolean complete) {
        byte[] b = content.getBytes(StandardCharsets.US_ASCII);
        byte[] h = TopHeader.of(b, b.length, complete);
        return h == null ? null : new String(h, StandardCharsets.US_ASCII);
    }

    @Test
    void endsAtTheFirstEmptyLine() {
        assertThat(of("A: 1\r\nB: 2\r\n\r\nbody\r\n\r\n", true)).isEqualTo("A: 1\r\nB: 2\r\n\r\n");
        assertThat(of("A: 1\n\nbody", true)).isEqualTo("A: 1\n\n");
        assertThat(of("\r\nbody", true)).isEqualTo("\r\n");
    }

    @Test
    void aContentWithoutBodyIsAllHeaderButOnlyWhenWhole() {
        assertThat(of("A: 1\r\nB: 2\r\n", true)).isEqualTo("A: 1\r\nB: 2\r\n");
        assertThat(of("A: 1\r\nB: 2\r\n", false)).isNull();
        assertThat(of("X: " + "x".repeat(TopHeader.MAX) + "\r\n\r\n", true)).isNull();
    }
}
