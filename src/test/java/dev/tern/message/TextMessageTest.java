package dev.tern.message;

import dev.tern.mail.MailAddress;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextMessageTest {

    private static TextMessage.Builder base() {
        return TextMessage.builder().from(MailAddress.parse("a@example.org"))
                .to(List.of(MailAddress.parse("b@example.net"), MailAddress.parse("c@example.net")))
                .date(ZonedDateTime.of(2026, 3, 4, 5, 6, 7, 0, ZoneOffset.ofHours(1))).messageId("id1@example.org");
    }

    private static String text(TextMessage m) {
        return new String(m.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void asciiMessage() {
        TextMessage m = base().subject("Hi").body("line one\nline two").build();
        assertThat(text(m)).isEqualTo("From: a@example.org\r\nTo: b@example.net, c@example.net\r\nSubject: Hi\r\n"
                + "Date: Wed, 4 Mar 2026 05:06:07 +0100\r\nMessage-ID: <id1@example.org>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
                + "line one\r\nline two\r\n");
        assertThat(m.transferEncoding()).isEqualTo("7bit");
        assertThat(m.eightBit()).isFalse();
        assertThat(m.utf8Headers()).isFalse();
    }

    @Test
    void utf8BodyIs8bitWhenAllowedElseQuotedPrintable() {
        TextMessage eight = base().body("Grüße\n").allow8bit(true).build();
        assertThat(eight.transferEncoding()).isEqualTo("8bit");
        assertThat(text(eight)).endsWith("\r\n\r\nGrüße\r\n");

        TextMessage qp = base().body("Grüße\n").allow8bit(false).build();
        assertThat(qp.transferEncoding()).isEqualTo("quoted-printable");
        assertThat(text(qp)).endsWith("\r\n\r\nGr=C3=BC=C3=9Fe\r\n");
    }

    @Test
    void overlongLinesAreQuotedPrintableEvenInAscii() {
        TextMessage m = base().body("x".repeat(1200)).allow8bit(true).build();
        assertThat(m.transferEncoding()).isEqualTo("quoted-printable");
        assertThat(text(m).lines()).allMatch(l -> l.length() <= 78);
    }

    @Test
    void utf8SubjectBecomesEncodedWordsThatDecodeBack() throws Exception {
        String subject = "Привет мир, как дела сегодня? Всё хорошо у вас ✓";
        TextMessage m = base().subject(subject).build();
        String t = text(m);
        assertThat(t).contains("Subject: =?UTF-8?");
        assertThat(t.lines()).allMatch(l -> l.length() <= 78);
        assertThat(HeaderSummary.read(new ByteArrayInputStream(m.bytes())).get("subject")).isEqualTo(subject);
    }

    @Test
    void extraHeadersReplaceOrAdd() {
        String t = text(base().header("Subject: mine").header("X-Mailer: tern").header("from: Alice <a@example.org>").build());
        assertThat(t).contains("Subject: mine\r\n").contains("X-Mailer: tern\r\n").contains("from: Alice <a@example.org>\r\n")
                .doesNotContain("From: a@example.org");
        assertThat(t.indexOf("X-Mailer")).isGreaterThan(t.indexOf("Content-Transfer-Encoding"));
    }

    @Test
    void headerInjectionIsRefused() {
        assertThatThrownBy(() -> base().subject("a\r\nBcc: x@y").build()).hasMessageContaining("one line");
        assertThatThrownBy(() -> base().header("X: a\nB: c")).hasMessageContaining("one line");
        assertThatThrownBy(() -> base().header("Bad Name: v")).hasMessageContaining("not a header field name");
        assertThatThrownBy(() -> base().header("NoColon")).hasMessageContaining("Name: value");
    }

    @Test
    void utf8AddressesNeedSmtpUtf8() {
        TextMessage m = TextMessage.builder().from(MailAddress.parse("jörg@example.org"))
                .to(List.of(MailAddress.parse("b@example.net"))).build();
        assertThat(m.utf8Headers()).isTrue();
        assertThat(text(m)).contains("From: jörg@example.org\r\n");
    }

    @Test
    void lineEndingsOfTheBodyAreNormalised() {
        assertThat(TextMessage.crlf("a\rb\nc\r\n\r\nd")).isEqualTo("a\r\nb\r\nc\r\n\r\nd\r\n");
        assertThat(TextMessage.crlf("")).isEmpty();
    }
}
