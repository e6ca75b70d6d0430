package dev.tern.imap.server;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class MessageBytesTest {

    private static String range(String prefix, String content, long start, long length) {
        return new String(MessageBytes.range(prefix, content.getBytes(StandardCharsets.UTF_8), start, length),
                StandardCharsets.UTF_8);
    }

    @Test
    void rangesCrossFromThePrefixIntoTheContent() {
        String prefix = "Return-Path: <a@b>\r\n";
        assertThat(range(prefix, "Subject: x\r\n\r\nbody", 0, 100)).isEqualTo(prefix + "Subject: x\r\n\r\nbody");
        assertThat(range(prefix, "Subject: x\r\n\r\nbody", 13, 12)).isEqualTo("<a@b>\r\nSubje");
        assertThat(range(prefix, "Subject: x\r\n\r\nbody", prefix.length() + 14, 2)).isEqualTo("bo");
        assertThat(range(prefix, "abc", 99, 5)).isEmpty();
        assertThat(range("", "abcdef", 2, 3)).isEqualTo("cde");
    }
}
