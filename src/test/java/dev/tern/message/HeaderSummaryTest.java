package dev.tern.message;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class HeaderSummaryTest {

    private static HeaderSummary read(String message) throws IOException {
        return HeaderSummary.read(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void fieldsAreUnfoldedDecodedAndTheFirstOfEachNameCounts() throws IOException {
        HeaderSummary h = read("Subject: =?UTF-8?Q?caf=C3=A9?= and\r\n\t more\r\nFrom: A <a@example.org>\r\n"
                + "From: B <b@example.org>\r\nX-Bare-LF: yes\nDate: Mon, 30 Nov 2026 12:00:00 +0000\r\n\r\n"
                + "From: not a header\r\n");
        assertThat(h.get("subject")).isEqualTo("café and more");
        assertThat(h.get("From")).isEqualTo("A <a@example.org>");
        assertThat(h.get("x-bare-lf")).isEqualTo("yes");
        assertThat(h.get("date")).isEqualTo("Mon, 30 Nov 2026 12:00:00 +0000");
        assertThat(h.get("to")).isEmpty();
        // A message without a body, and one without a header section.
        assertThat(read("From: a@example.org").get("from")).isEqualTo("a@example.org");
        assertThat(read("\r\nFrom: body@example.org\r\n").fields()).isEmpty();
    }

    @Test
    void aHugeFieldBeforeFromNeitherHidesItNorIsKeptWhole() throws IOException {
        StringBuilder references = new StringBuilder("References:");
        while (references.length() < 600_000) {
            references.append("\r\n <").append(references.length()).append("@lists.example.org>");
        }
        String unfoldedLine = "X-Long: " + "y".repeat(300_000);
        HeaderSummary h = read(references + "\r\n" + unfoldedLine + "\r\nFrom: Alice <alice@example.org>\r\n"
                + "Subject: found\r\n\r\nbody\r\n");
        assertThat(h.get("from")).isEqualTo("Alice <alice@example.org>");
        assertThat(h.get("subject")).isEqualTo("found");
        assertThat(h.get("references")).startsWith("<").hasSizeLessThanOrEqualTo(HeaderSummary.MAX_FIELD);
        assertThat(h.get("x-long")).hasSize(HeaderSummary.MAX_FIELD - "X-Long: ".length());
    }
}
