package dev.tern.smtp.server;

import dev.tern.mail.MailAddress;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SmtpReplyTest {

    @Test
    void oneLine() {
        assertThat(SmtpReply.of(250, "2.0.0", "Ok").format()).isEqualTo("250 2.0.0 Ok\r\n");
        assertThat(SmtpReply.plain(354, "Go ahead").format()).isEqualTo("354 Go ahead\r\n");
    }

    @Test
    void multiLineRepeatsTheEnhancedCode() {
        SmtpReply r = new SmtpReply(214, "2.0.0", List.of("one", "two", "three"));
        assertThat(r.format()).isEqualTo("214-2.0.0 one\r\n214-2.0.0 two\r\n214 2.0.0 three\r\n");
    }

    @Test
    void textCannotBreakTheFraming() {
        SmtpReply r = SmtpReply.of(550, "5.1.1", "bad\r\n250 ok ünïcode");
        assertThat(r.format()).isEqualTo("550 5.1.1 bad??250 ok ?n?code\r\n");
        assertThat(SmtpReply.of(550, "5.0.0", "x".repeat(1000)).format()).hasSize(512);
    }

    @Test
    void ehloReplyFollowsRfc2034() {
        SmtpSettings settings = new SmtpSettings("smtp", "mx.example.test",
                dev.tern.config.SmtpLimits.defaults(), false, null);
        String ehlo = settings.ehloReply().format();
        assertThat(ehlo).startsWith("250-mx.example.test\r\n").endsWith("250 HELP\r\n")
                .contains("250-SIZE 52428800\r\n", "250-ENHANCEDSTATUSCODES\r\n", "250-PIPELINING\r\n",
                        "250-8BITMIME\r\n", "250-SMTPUTF8\r\n", "250-CHUNKING\r\n", "250-DSN\r\n");
        assertThat(settings.greeting().format()).isEqualTo("220 mx.example.test ESMTP Tern\r\n");
    }

    @Test
    void commandTable() {
        assertThat(CommandTable.refusal(Verb.MAIL, SessionState.CONNECTED)).isEqualTo(Replies.NEED_HELO);
        assertThat(CommandTable.refusal(Verb.MAIL, SessionState.GREETED)).isNull();
        assertThat(CommandTable.refusal(Verb.DATA, SessionState.MAIL)).isEqualTo(Replies.NO_VALID_RECIPIENTS);
        assertThat(CommandTable.refusal(Verb.DATA, SessionState.BDAT)).isEqualTo(Replies.DATA_AFTER_BDAT);
        assertThat(CommandTable.refusal(Verb.NOOP, SessionState.CONNECTED)).isNull();
        assertThat(CommandTable.needsGreeting(Verb.RCPT)).isTrue();
        assertThat(CommandTable.needsGreeting(Verb.VRFY)).isFalse();
    }

    @Test
    void receivedHeader() throws Exception {
        ZonedDateTime when = ZonedDateTime.of(2026, 11, 29, 1, 47, 26, 0, ZoneOffset.UTC);
        String h = ReceivedHeader.format("client.test", InetAddress.getByName("192.0.2.1"), "mx.example.test",
                "ESMTP", "Q1", MailAddress.parse("rcpt@example.test"), when);
        assertThat(h).isEqualTo("Received: from client.test ([192.0.2.1])\r\n"
                + "\tby mx.example.test (Tern) with ESMTP id Q1\r\n"
                + "\tfor <rcpt@example.test>; Sun, 29 Nov 2026 01:47:26 +0000\r\n");
        String many = ReceivedHeader.format("bad (helo); x", InetAddress.getByName("::1"), "mx.example.test",
                "SMTP", "Q2", null, when);
        assertThat(many).isEqualTo("Received: from bad__helo___x ([IPv6:::1])\r\n"
                + "\tby mx.example.test (Tern) with SMTP id Q2;\r\n"
                + "\tSun, 29 Nov 2026 01:47:26 +0000\r\n");
        assertThat(ReceivedHeader.addressLiteral(InetAddress.getByName("2001:DB8:0:0:0:0:0:1%1")))
                .isEqualTo("[IPv6:2001:db8::1]");
    }

    @Test
    void theReceivedDateIsFormattedAgainForAnotherSecondOrOffset() {
        ZonedDateTime when = ZonedDateTime.of(2026, 11, 29, 1, 47, 26, 0, ZoneOffset.UTC);
        assertThat(ReceivedHeader.date(when)).isEqualTo("Sun, 29 Nov 2026 01:47:26 +0000");
        assertThat(ReceivedHeader.date(when.plusNanos(999_000_000))).isEqualTo("Sun, 29 Nov 2026 01:47:26 +0000");
        assertThat(ReceivedHeader.date(when.plusSeconds(1))).isEqualTo("Sun, 29 Nov 2026 01:47:27 +0000");
        assertThat(ReceivedHeader.date(when.plusSeconds(1).withZoneSameInstant(ZoneOffset.ofHours(2))))
                .isEqualTo("Sun, 29 Nov 2026 03:47:27 +0200");
        assertThat(ReceivedHeader.date(when.plusSeconds(1))).isEqualTo("Sun, 29 Nov 2026 01:47:27 +0000");
        assertThat(ReceivedHeader.date(when.minusDays(365))).isEqualTo("Sat, 29 Nov 2025 01:47:26 +0000");
    }
}
