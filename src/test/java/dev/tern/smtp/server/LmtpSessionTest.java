package dev.tern.smtp.server;

import dev.tern.mail.Recipient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.tern.smtp.server.SmtpTestClient.expect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * LMTP (RFC 2033) on the SMTP session machine: LHLO in place of HELO and EHLO, and after the
 * content one reply for each successful RCPT, in order, for DATA and for BDAT LAST alike.
 */
class LmtpSessionTest extends SmtpServerTestSupport {

    @BeforeEach
    void lmtp() {
        startLmtp(limits());
    }

    private SmtpTestClient lhlo() throws Exception {
        SmtpTestClient c = connect();
        assertThat(c.reply().text()).isEqualTo("220 mx.example.test LMTP Tern");
        expect(c.command("LHLO client.test"), 250);
        return c;
    }

    private static List<String> replies(SmtpTestClient c, int n) throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            texts.add(c.reply().text());
        }
        return texts;
    }

    @Test
    void lhloInPlaceOfHeloAndEhlo() throws Exception {
        SmtpTestClient c = connect();
        expect(c.reply(), 220);
        assertThat(c.command("MAIL FROM:<a@b.test>").text()).isEqualTo("503 5.5.1 Error: send LHLO first");
        assertThat(c.command("EHLO client.test").text()).isEqualTo("500 Error: this is an LMTP server, send LHLO");
        assertThat(c.command("HELO client.test").text()).isEqualTo("500 Error: this is an LMTP server, send LHLO");
        assertThat(c.command("LHLO").code()).isEqualTo(501);
        SmtpTestClient.Reply lhlo = expect(c.command("LHLO client.test"), 250);
        assertThat(lhlo.lines().get(0)).isEqualTo("250-mx.example.test");
        assertThat(lhlo.lines().stream().map(l -> l.substring(4)))
                .contains("PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME", "SMTPUTF8", "CHUNKING", "DSN", "SIZE 10000")
                .doesNotContain("STARTTLS")
                .noneMatch(k -> k.startsWith("AUTH"));
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
    }

    @Test
    void smtpListenersDoNotTakeLhlo() throws Exception {
        server.close();
        start(limits());
        SmtpTestClient c = connect();
        assertThat(c.reply().text()).endsWith("ESMTP Tern");
        assertThat(c.command("LHLO client.test").code()).isEqualTo(500);
        expect(c.command("EHLO client.test"), 250);
    }

    @Test
    void oneReplyForEachSuccessfulRcptAfterData() throws Exception {
        SmtpTestClient c = lhlo();
        expect(c.command("MAIL FROM:<sender@b.test>"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("RCPT TO:<nobody@example.test>"), 550);
        expect(c.command("RCPT TO:<bob@example.test>"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);   // repeated: answered again after the content
        expect(c.command("DATA"), 354);
        c.send("Subject: lmtp\r\n\r\nHello\r\n.\r\n");
        assertThat(replies(c, 3)).containsExactly(
                "250 2.0.0 <alice@example.test> Ok: queued as Q1",
                "250 2.0.0 <bob@example.test> Ok: queued as Q1",
                "250 2.0.0 <alice@example.test> Ok: queued as Q1");
        assertThat(c.command("NOOP").text()).isEqualTo("250 2.0.0 Ok");   // and nothing more before it
        assertThat(backend.last().envelope().recipients()).extracting(r -> r.address().toString())
                .containsExactly("alice@example.test", "bob@example.test");
        assertThat(backend.last().text()).startsWith("Received: from client.test ([127.0.0.1])\r\n"
                + "\tby mx.example.test (Tern) with LMTP id Q1;\r\n");
    }

    @Test
    void dataWithoutRecipientsIs503() throws Exception {
        SmtpTestClient c = lhlo();
        expect(c.command("MAIL FROM:<sender@b.test>"), 250);
        expect(c.command("RCPT TO:<nobody@example.test>"), 550);
        assertThat(c.command("DATA").text()).isEqualTo("503 5.5.1 Error: no valid recipients");
        assertThat(c.command("BDAT 0 LAST").text()).isEqualTo("503 5.5.1 Error: no valid recipients");
    }

    @Test
    void pipelinedTransactionWithBdat() throws Exception {
        SmtpTestClient c = lhlo();
        c.send("MAIL FROM:<sender@b.test>\r\nRCPT TO:<alice@example.test>\r\nRCPT TO:<carol@example.test>\r\n"
                + "BDAT 18\r\nSubject: x\r\n\r\nhi\r\nBDAT 0 LAST\r\nQUIT\r\n");
        assertThat(replies(c, 7)).containsExactly(
                "250 2.1.0 Ok",
                "250 2.1.5 Ok",
                "250 2.1.5 Ok",
                "250 2.0.0 18 octets received",
                "250 2.0.0 <alice@example.test> Ok: queued as Q1",
                "250 2.0.0 <carol@example.test> Ok: queued as Q1",
                "221 2.0.0 Bye");
        assertThat(backend.queued).hasSize(1);
    }

    @Test
    void refusedContentIsAnsweredForEachRecipientAndCountsAsOneError() throws Exception {
        SmtpTestClient c = lhlo();
        // Four refused messages of three recipients: twelve refusals, four errors of the ten allowed.
        for (int i = 0; i < 4; i++) {
            expect(c.command("MAIL FROM:<sender@b.test>"), 250);
            for (String r : List.of("alice", "bob", "carol")) {
                expect(c.command("RCPT TO:<" + r + "@example.test>"), 250);
            }
            expect(c.command("DATA"), 354);
            c.send("Subject: smuggled\r\n\r\nbare\nline\r\n.\r\n");
            assertThat(replies(c, 3)).allMatch(t -> t.startsWith("554 5.5.2 Bare LF"));
        }
        assertThat(c.command("NOOP").text()).isEqualTo("250 2.0.0 Ok");
        assertThat(backend.queued).isEmpty();
    }

    @Test
    void utf8MessagesSayUtf8Lmtp() throws Exception {
        SmtpTestClient c = lhlo();
        expect(c.command("MAIL FROM:<sender@b.test> SMTPUTF8"), 250);
        expect(c.command("RCPT TO:<jörg@example.test>"), 250);
        expect(c.command("DATA"), 354);
        c.send("Subject: ü\r\n\r\nhi\r\n.\r\n");
        assertThat(c.reply().text()).isEqualTo("250 2.0.0 Ok: queued as Q1");   // replies are ASCII
        assertThat(backend.last().text()).contains("with UTF8LMTP id Q1");
        assertThat(backend.last().envelope().recipients()).extracting(Recipient::address).hasSize(1);
    }
}
