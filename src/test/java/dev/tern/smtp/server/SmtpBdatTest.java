package dev.tern.smtp.server;

import org.junit.jupiter.api.Test;

import static dev.tern.smtp.server.SmtpTestClient.expect;
import static org.assertj.core.api.Assertions.assertThat;

/** BDAT (RFC 3030): chunk sizes, LAST, refusals that still consume the chunk, and BINARYMIME. */
class SmtpBdatTest extends SmtpServerTestSupport {

    private SmtpTestClient inTransaction(String mailParams) throws Exception {
        SmtpTestClient c = greeted();
        expect(c.command("MAIL FROM:<a@b.test>" + mailParams), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        return c;
    }

    private static String content(FakeBackend.Queued q) {
        String text = q.text();
        int end = text.indexOf("+0000\r\n");
        return end < 0 ? text.substring(text.indexOf("\r\n", text.indexOf("\tfor <")) + 2) : text.substring(end + 7);
    }

    @Test
    void oneLastChunk() throws Exception {
        SmtpTestClient c = inTransaction("");
        String message = "Subject: bdat\r\n\r\nHello\r\n";
        c.send("BDAT " + message.length() + " LAST\r\n" + message);
        assertThat(c.reply().text()).isEqualTo("250 2.0.0 Ok: queued as Q1");
        assertThat(content(backend.last())).isEqualTo(message);
        assertThat(backend.last().text()).startsWith("Received: from client.test ([127.0.0.1])\r\n"
                + "\tby mx.example.test (Tern) with ESMTP id Q1\r\n");
    }

    @Test
    void severalChunksThenEmptyLast() throws Exception {
        SmtpTestClient c = inTransaction("");
        c.send("BDAT 16\r\nSubject: x\r\n\r\n..");
        assertThat(c.reply().text()).isEqualTo("250 2.0.0 16 octets received");
        c.send("BDAT 7\r\nbody\r\n.");
        assertThat(c.reply().text()).isEqualTo("250 2.0.0 7 octets received");
        c.send("BDAT 2\r\n\r\n");
        expect(c.reply(), 250);
        c.send("BDAT 0 LAST\r\n");
        assertThat(c.reply().text()).isEqualTo("250 2.0.0 Ok: queued as Q1");
        assertThat(content(backend.last())).isEqualTo("Subject: x\r\n\r\n..body\r\n.\r\n");
    }

    @Test
    void emptyMessage() throws Exception {
        SmtpTestClient c = inTransaction("");
        assertThat(c.command("BDAT 0 LAST").text()).isEqualTo("250 2.0.0 Ok: queued as Q1");
        assertThat(backend.last().text()).startsWith("Received: ").endsWith("+0000\r\n");
    }

    @Test
    void pipelinedChunks() throws Exception {
        SmtpTestClient c = greeted();
        c.send("MAIL FROM:<a@b.test>\r\nRCPT TO:<alice@example.test>\r\nBDAT 5\r\nhelloBDAT 8 LAST\r\n world\r\nNOOP\r\n");
        assertThat(c.reply().code()).isEqualTo(250);
        assertThat(c.reply().code()).isEqualTo(250);
        assertThat(c.reply().text()).isEqualTo("250 2.0.0 5 octets received");
        assertThat(c.reply().text()).isEqualTo("250 2.0.0 Ok: queued as Q1");
        assertThat(c.reply().text()).isEqualTo("250 2.0.0 Ok");
        assertThat(content(backend.last())).isEqualTo("hello world\r\n");
    }

    @Test
    void refusedBdatStillConsumesItsChunk() throws Exception {
        SmtpTestClient c = greeted();
        String chunk = "QUIT\r\n";
        c.send("BDAT " + chunk.length() + " LAST\r\n" + chunk);
        assertThat(c.reply().text()).isEqualTo("503 5.5.1 Error: need MAIL command");
        assertThat(c.command("NOOP").text()).isEqualTo("250 2.0.0 Ok");
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        c.send("BDAT 6\r\n" + chunk);
        assertThat(c.reply().text()).isEqualTo("554 5.5.1 Error: no valid recipients");
        assertThat(c.command("NOOP").text()).isEqualTo("250 2.0.0 Ok");
    }

    @Test
    void dataAfterBdatIsRefused() throws Exception {
        SmtpTestClient c = inTransaction("");
        c.send("BDAT 4\r\nabcd");
        expect(c.reply(), 250);
        assertThat(c.command("DATA").text()).isEqualTo("503 5.5.1 Error: DATA cannot follow BDAT in the same transaction");
        assertThat(c.command("RCPT TO:<bob@example.test>").text()).startsWith("503 5.5.1");
        c.send("BDAT 0 LAST\r\n");
        expect(c.reply(), 250);
    }

    @Test
    void oversizedChunkIsDiscardedThenRefused() throws Exception {
        SmtpTestClient c = inTransaction("");
        String line = "y".repeat(98) + "\r\n";
        String big = line.repeat(120);
        c.send("BDAT " + big.length() + "\r\n" + big + "BDAT 5 LAST\r\nQUIT\r");
        assertThat(c.reply().text()).isEqualTo("552 5.3.4 Message size exceeds fixed maximum message size");
        assertThat(c.reply().text()).isEqualTo("503 5.5.1 Error: need MAIL command");
        assertThat(backend.sinks.get("Q1").aborted()).isTrue();
        assertThat(c.command("NOOP").text()).isEqualTo("250 2.0.0 Ok");
        assertThat(backend.queued).isEmpty();
    }

    @Test
    void bareLineEndingsInTextChunksAreRefused() throws Exception {
        SmtpTestClient c = inTransaction("");
        String smuggle = "hi\n.\nMAIL FROM:<x@y.test>\r\n";
        c.send("BDAT " + smuggle.length() + " LAST\r\n" + smuggle);
        assertThat(c.reply().text()).startsWith("554 5.5.2 Bare LF or bare CR");
        assertThat(backend.queued).isEmpty();
        assertThat(c.command("NOOP").text()).isEqualTo("250 2.0.0 Ok");
    }

    @Test
    void trailingBareCrIsRefused() throws Exception {
        SmtpTestClient c = inTransaction("");
        c.send("BDAT 3\r\nab\r");
        expect(c.reply(), 250);
        c.send("BDAT 0 LAST\r\n");
        assertThat(c.reply().text()).startsWith("554 5.5.2");
    }

    @Test
    void crLfSplitAcrossChunksIsFine() throws Exception {
        SmtpTestClient c = inTransaction("");
        c.send("BDAT 3\r\nab\r");
        expect(c.reply(), 250);
        c.send("BDAT 1 LAST\r\n\n");
        assertThat(c.reply().text()).isEqualTo("250 2.0.0 Ok: queued as Q1");
        assertThat(content(backend.last())).isEqualTo("ab\r\n");
    }

    @Test
    void binaryMimeTakesAnyOctets() throws Exception {
        SmtpTestClient c = inTransaction(" BODY=BINARYMIME");
        byte[] binary = {'a', '\n', 0, (byte) 0xFF, '\r', '.', '\r'};
        c.send(("BDAT " + binary.length + " LAST\r\n").getBytes());
        c.send(binary);
        assertThat(c.reply().text()).isEqualTo("250 2.0.0 Ok: queued as Q1");
        byte[] stored = backend.last().content();
        assertThat(java.util.Arrays.copyOfRange(stored, stored.length - binary.length, stored.length)).isEqualTo(binary);
        assertThat(backend.last().envelope().bodyType()).isEqualTo("BINARYMIME");
    }

    @Test
    void rsetDuringChunksAbortsTheBody() throws Exception {
        SmtpTestClient c = inTransaction("");
        c.send("BDAT 5\r\nhello");
        expect(c.reply(), 250);
        expect(c.command("RSET"), 250);
        assertThat(backend.sinks.get("Q1").aborted()).isTrue();
        assertThat(c.command("BDAT 0 LAST").text()).isEqualTo("503 5.5.1 Error: need MAIL command");
    }
}
