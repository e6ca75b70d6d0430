package dev.tern.smtp.server;

import dev.tern.config.SmtpLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static dev.tern.smtp.server.SmtpTestClient.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** DATA: pipelining, transparency, size limit, bare line endings, disconnects and timeouts. */
class SmtpDataTest extends SmtpServerTestSupport {

    private SmtpTestClient inData() throws Exception {
        SmtpTestClient c = greeted();
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("DATA"), 354);
        return c;
    }

    @Test
    void pipelinedBatchIsAnsweredInOrder() throws Exception {
        SmtpTestClient c = greeted();
        c.send("MAIL FROM:<a@b.test>\r\nRCPT TO:<alice@example.test>\r\nRCPT TO:<nobody@example.test>\r\n"
                + "RCPT TO:<bob@example.test>\r\nDATA\r\n");
        assertThat(c.reply().text()).isEqualTo("250 2.1.0 Ok");
        assertThat(c.reply().text()).isEqualTo("250 2.1.5 Ok");
        assertThat(c.reply().code()).isEqualTo(550);
        assertThat(c.reply().text()).isEqualTo("250 2.1.5 Ok");
        assertThat(c.reply().code()).isEqualTo(354);
        c.send("Subject: pipelined\r\n\r\nHi\r\n.\r\n");
        assertThat(c.reply().text()).isEqualTo("250 2.0.0 Ok: queued as Q1");
        assertThat(backend.last().envelope().recipients()).hasSize(2);
    }

    @Test
    void contentInTheSameSegmentAsDataAndCommandsAfterIt() throws Exception {
        SmtpTestClient c = greeted();
        c.send("MAIL FROM:<a@b.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n"
                + "Subject: one\r\n\r\nfirst\r\n.\r\n"
                + "MAIL FROM:<a@b.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n"
                + "Subject: two\r\n\r\nsecond\r\n.\r\nQUIT\r\n");
        for (int code : new int[]{250, 250, 354, 250, 250, 250, 354, 250, 221}) {
            expect(c.reply(), code);
        }
        assertThat(c.isClosedByServer()).isTrue();
        assertThat(backend.queued).hasSize(2);
        assertThat(backend.queued.get(0).text()).endsWith("Subject: one\r\n\r\nfirst\r\n");
        assertThat(backend.queued.get(1).text()).endsWith("Subject: two\r\n\r\nsecond\r\n");
    }

    @Test
    void transparencyDotsAreRemoved() throws Exception {
        SmtpTestClient c = inData();
        c.send("Subject: dots\r\n\r\n..leading\r\n...\r\n.\r\n");
        expect(c.reply(), 250);
        assertThat(backend.last().text()).endsWith("Subject: dots\r\n\r\n.leading\r\n..\r\n");
    }

    @Test
    void oversizedMessageIsReadToTheEndThenRefused() throws Exception {
        SmtpTestClient c = inData();
        String line = "x".repeat(98) + "\r\n";
        c.send("Subject: big\r\n\r\n" + line.repeat(200) + ".\r\n");
        assertThat(c.reply().text()).isEqualTo("552 5.3.4 Message size exceeds fixed maximum message size");
        assertThat(backend.sinks.get("Q1").aborted()).isTrue();
        assertThat(c.command("NOOP").text()).isEqualTo("250 2.0.0 Ok");
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("DATA"), 354);
        c.send("small\r\n.\r\n");
        assertThat(c.reply().text()).isEqualTo("250 2.0.0 Ok: queued as Q2");
        assertThat(backend.queued).extracting(FakeBackend.Queued::queueId).containsExactly("Q2");
    }

    /**
     * SMTP smuggling (CVE-2023-51764): the sequences below must not end the data; the smuggled
     * commands after them are content, and the message is refused once the real end arrives.
     */
    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\r\n.\n", "\n.\r\n", "\r.\r\n", "\r\n.\r", "\n"})
    void bareLineEndingsAreRefusedAndNeverEndTheData(String sequence) throws Exception {
        SmtpTestClient c = inData();
        c.send("Subject: smuggle\r\n\r\nhello" + sequence
                + "MAIL FROM:<evil@attacker.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n"
                + "Subject: smuggled\r\n\r\nevil\r\n.\r\n");
        assertThat(c.reply().text()).isEqualTo(
                "554 5.5.2 Bare LF or bare CR in message content refused (see RFC 5321 section 2.3.8)");
        assertThat(c.command("NOOP").text()).isEqualTo("250 2.0.0 Ok");
        assertThat(backend.queued).isEmpty();
        assertThat(backend.sinks.get("Q1").aborted()).isTrue();
    }

    @Test
    void binaryMimeNeedsBdat() throws Exception {
        SmtpTestClient c = greeted();
        expect(c.command("MAIL FROM:<a@b.test> BODY=BINARYMIME"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        assertThat(c.command("DATA").text()).isEqualTo("503 5.5.1 Error: BODY=BINARYMIME requires BDAT, not DATA");
    }

    @Test
    void disconnectDuringDataAbortsTheBody() throws Exception {
        SmtpTestClient c = inData();
        c.send("Subject: cut\r\n\r\npartial");
        c.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.sinks.get("Q1").aborted());
        assertThat(backend.queued).isEmpty();
    }

    @Test
    void dataTimeoutAbortsTheBody() throws Exception {
        start(new SmtpLimits(10_000, 3, 1000, 10, Duration.ofSeconds(60), Duration.ofSeconds(1), 20, 10, false));
        SmtpTestClient c = inData();
        c.send("Subject: slow\r\n\r\npartial");
        assertThat(c.reply().text()).isEqualTo("421 4.4.2 mx.example.test Error: timeout exceeded");
        assertThat(c.isClosedByServer()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.sinks.get("Q1").aborted());
        assertThat(backend.queued).isEmpty();
    }

    @Test
    void manyMessagesOnOneConnection() throws Exception {
        SmtpTestClient c = greeted();
        for (int i = 1; i <= 20; i++) {
            c.send("MAIL FROM:<a@b.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n");
            expect(c.reply(), 250);
            expect(c.reply(), 250);
            expect(c.reply(), 354);
            c.send("Subject: " + i + "\r\n\r\nbody\r\n.\r\n");
            assertThat(c.reply().text()).isEqualTo("250 2.0.0 Ok: queued as Q" + i);
        }
        assertThat(backend.queued).hasSize(20);
    }
}
