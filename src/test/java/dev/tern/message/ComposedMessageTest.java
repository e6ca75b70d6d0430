package dev.tern.message;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ComposedMessageTest {

    private static ComposedMessage.Fields fields(String subject, String text, String html, Map<String, String> headers,
                                                 List<ComposedMessage.Attachment> attachments) {
        return new ComposedMessage.Fields("Zoë <zoe@example.org>", List.of("a@example.net"), List.of(), null, subject,
                text, html, headers, attachments, "id1@example.org");
    }

    @Test
    void aTextOnlyMessageIsOneSevenBitPartWithEncodedWords() {
        String m = new String(ComposedMessage.write(fields("Grüße", "Hallo Welt äöü\nzweite Zeile", null, Map.of(),
                List.of())), StandardCharsets.US_ASCII);
        String decoded = org.apache.james.mime4j.codec.DecoderUtil.decodeEncodedWords(m,
                org.apache.james.mime4j.codec.DecodeMonitor.SILENT);
        assertThat(decoded).contains("Subject: Grüße\r\n").contains("From: Zoë <zoe@example.org>\r\n");
        assertThat(m).contains("Message-ID: <id1@example.org>\r\n").contains("Date: ")
                .contains("Content-Type: text/plain; charset=utf-8").contains("Content-Transfer-Encoding: quoted-printable")
                .contains("Hallo Welt =C3=A4=C3=B6=C3=BC\r\nzweite Zeile").doesNotContain("multipart");
        assertThat(m.chars().allMatch(c -> c < 128)).isTrue();
        assertThat(m.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
    }

    @Test
    void htmlAndTextAreAlternativesAndAttachmentsAreMixedAround() {
        String m = new String(ComposedMessage.write(fields("s", "plain", "<b>rich</b>", Map.of("X-Campaign", "42"),
                List.of(new ComposedMessage.Attachment("a.bin", null, new byte[]{0, 1, 2})))), StandardCharsets.US_ASCII);
        assertThat(m).contains("multipart/mixed").contains("multipart/alternative").contains("text/html")
                .contains("X-Campaign: 42").contains("Content-Type: application/octet-stream; name=a.bin")
                .contains("Content-Disposition: attachment; filename=a.bin").contains("AAEC");
        assertThat(m.indexOf("multipart/alternative")).isGreaterThan(m.indexOf("multipart/mixed"));
    }

    @Test
    void fieldsThatWouldInjectOrOverrideAreRefused() {
        assertThatThrownBy(() -> ComposedMessage.write(fields("a\r\nBcc: x@y.test", "t", null, Map.of(), List.of())))
                .hasMessage("subject must be one line");
        assertThatThrownBy(() -> ComposedMessage.write(fields("s", "t", null, Map.of("X-A", "1\nBcc: x@y.test"), List.of())))
                .hasMessage("header X-A must be one line");
        assertThatThrownBy(() -> ComposedMessage.write(fields("s", "t", null, Map.of("Content-Type", "text/html"), List.of())))
                .hasMessageContaining("is set from its own field");
        assertThatThrownBy(() -> ComposedMessage.write(fields("s", "t", null, Map.of("Bad Name", "v"), List.of())))
                .hasMessage("\"Bad Name\" is not a header field name");
        assertThatThrownBy(() -> ComposedMessage.write(fields("s", null, null, Map.of(), List.of())))
                .hasMessage("the message needs text, html or an attachment");
        assertThatThrownBy(() -> ComposedMessage.write(fields("s", "t", null, Map.of(),
                List.of(new ComposedMessage.Attachment("a", "text/html\r\nX: y", new byte[0])))))
                .hasMessageContaining("is not a media type");
        assertThatThrownBy(() -> ComposedMessage.address("a@b.test, c@d.test")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ComposedMessage.address("Name <A@Example.org>")).isEqualTo("A@Example.org");
    }
}
