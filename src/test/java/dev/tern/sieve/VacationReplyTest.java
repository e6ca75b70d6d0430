package dev.tern.sieve;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class VacationReplyTest {

    private static final Set<String> ANNA = Set.of("anna@example.test", "a.roe@example.test");

    private static FilteredMessage message(String sender, String headers) throws IOException {
        byte[] bytes = (headers + "\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);
        return FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length, sender, "anna@example.test");
    }

    private static String refusal(String sender, String headers) throws IOException {
        return VacationReply.refusal(message(sender, headers), ANNA);
    }

    @Test
    void personalMailGetsAReply() throws IOException {
        assertThat(refusal("bob@example.org", "From: bob@example.org\r\nTo: Anna <anna@example.test>\r\n")).isNull();
        assertThat(refusal("bob@example.org", "To: team@example.test\r\nCc: A. Roe <a.roe@example.test>\r\n"))
                .as("an address of :addresses in Cc").isNull();
        assertThat(refusal("bob@example.org", "To: anna@example.test\r\nAuto-Submitted: no\r\n")).isNull();
    }

    @Test
    void automaticListAndUnaddressedMailGetsNone() throws IOException {
        String to = "To: anna@example.test\r\n";
        assertThat(refusal("", to)).contains("null sender");
        assertThat(refusal("MAILER-DAEMON@example.org", to)).contains("automatic");
        assertThat(refusal("owner-friends@example.org", to)).contains("automatic");
        assertThat(refusal("friends-request@example.org", to)).contains("automatic");
        assertThat(refusal("anna@example.test", to)).contains("own");
        assertThat(refusal("bob@example.org", to + "Auto-Submitted: auto-replied\r\n")).contains("Auto-Submitted");
        assertThat(refusal("bob@example.org", to + "List-Unsubscribe: <mailto:u@example.org>\r\n")).contains("list");
        assertThat(refusal("bob@example.org", to + "Precedence: bulk\r\n")).contains("Precedence");
        assertThat(refusal("bob@example.org", to + "X-Auto-Response-Suppress: OOF, AutoReply\r\n"))
                .contains("X-Auto-Response-Suppress");
        assertThat(refusal("bob@example.org", "To: everyone@example.org\r\n")).contains("not addressed");
    }

    @Test
    void theReplyAnswersTheMessageAndIsMarkedAutomatic() throws IOException {
        FilteredMessage original = message("bob@example.org", "From: bob@example.org\r\nTo: anna@example.test\r\n"
                + "Subject: =?UTF-8?Q?F=C3=BCr?= Anna\r\nMessage-ID: <m2@example.org>\r\nReferences: <m1@example.org>\r\n");
        VacationRequest v = new VacationRequest("Bin weg bis Montag. Grüße\nAnna", null, null, List.of(),
                Duration.ofDays(3), false, null);
        String reply = new String(VacationReply.compose(v, original, "anna@example.test", "bob@example.org",
                "mx.example.test", Instant.parse("2026-12-01T10:00:00Z")), StandardCharsets.UTF_8);
        assertThat(reply).contains("From: anna@example.test\r\n")
                .contains("To: <bob@example.org>\r\n")
                .contains("Subject: =?")
                .contains("Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n")
                .contains("In-Reply-To: <m2@example.org>\r\n")
                .contains("References: <m1@example.org> <m2@example.org>\r\n")
                .contains("Auto-Submitted: auto-replied")
                .contains("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n");
        String body = reply.substring(reply.indexOf("\r\n\r\n") + 4).strip();
        assertThat(new String(java.util.Base64.getMimeDecoder().decode(body), StandardCharsets.UTF_8))
                .isEqualTo("Bin weg bis Montag. Grüße\r\nAnna");
        assertThat(org.apache.james.mime4j.codec.DecoderUtil.decodeEncodedWords(
                reply.lines().filter(l -> l.startsWith("Subject: ")).findFirst().orElseThrow().substring(9),
                org.apache.james.mime4j.codec.DecodeMonitor.SILENT)).isEqualTo("Auto: Für Anna");
    }

    @Test
    void aMimeReasonKeepsOnlyItsMimeFields() throws IOException {
        FilteredMessage original = message("bob@example.org", "From: bob@example.org\r\nTo: anna@example.test\r\n");
        VacationRequest v = new VacationRequest("Content-Type: text/plain;\r\n charset=utf-8\r\nFrom: ceo@example.test\r\n"
                + "Bcc: everyone@example.org\r\nContent-Transfer-Encoding: 8bit\r\n\r\nAway.\r\n", null, null, List.of(),
                Duration.ofDays(3), true, null);
        String reply = new String(VacationReply.compose(v, original, "anna@example.test", "bob@example.org",
                "mx.example.test", Instant.parse("2026-12-01T10:00:00Z")), StandardCharsets.UTF_8);
        assertThat(reply).contains("Content-Type: text/plain;\r\n charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nAway.")
                .doesNotContain("ceo@example.test").doesNotContain("Bcc:");
        assertThat(reply).startsWith("From: anna@example.test\r\n");
        assertThat(VacationReply.mimeEntity("just text, no fields"))
                .isEqualTo("Content-Type: text/plain; charset=utf-8\r\n\r\njust text, no fields");
    }

    @Test
    void theHandleOrTheTextsKeyTheRepliesSent() {
        VacationRequest a = new VacationRequest("away", "s", null, List.of(), Duration.ofDays(7), false, null);
        VacationRequest b = new VacationRequest("away again", "s", null, List.of(), Duration.ofDays(7), false, null);
        VacationRequest h1 = new VacationRequest("away", "s", null, List.of(), Duration.ofDays(7), false, "h");
        VacationRequest h2 = new VacationRequest("other text", "t", null, List.of(), Duration.ofDays(7), false, "h");
        assertThat(a.key()).isNotEqualTo(b.key());
        assertThat(h1.key()).isEqualTo(h2.key());
        assertThat(VacationRequest.days(0)).as(":days 0 is one day").isEqualTo(Duration.ofDays(1));
        assertThat(new VacationRequest("x", null, null, List.of(), Duration.ofDays(10_000), false, null).period())
                .isEqualTo(VacationRequest.MAX_PERIOD);
        assertThat(new VacationRequest("x", null, null, List.of(), Duration.ZERO, false, null).period())
                .as(":seconds 0 stays 0").isZero();
    }
}
