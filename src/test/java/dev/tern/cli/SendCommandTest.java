package dev.tern.cli;

import dev.tern.message.HeaderSummary;
import dev.tern.store.Rows;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.InProcessCli.Result;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code tern send} against Tern's own SMTP server, in-process on a loopback port. One server for
 * the class; each test sends to its own accounts.
 */
class SendCommandTest {

    @TempDir
    static Path dir;
    static RunningServer tern;

    @BeforeAll
    static void start() {
        tern = new RunningServer(dir, "");
        tern.services().directory().addDomain("example.test");
        for (String user : List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace", "henry")) {
            tern.services().directory().addUser(user + "@example.test", "pw");
        }
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    private Result send(String stdin, String... args) {
        String[] full = new String[args.length + 7];
        full[0] = "send";
        full[1] = "--server";
        full[2] = "127.0.0.1:" + tern.smtpPort();
        full[3] = "--ehlo";
        full[4] = "client.example.org";
        full[5] = "--config";
        full[6] = dir.resolve("no-such.toml").toString();
        System.arraycopy(args, 0, full, 7, args.length);
        return InProcessCli.run(stdin, full);
    }

    private Rows.Message onlyMessage(String address) {
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox(address).size() == 1);
        return tern.inbox(address).get(0);
    }

    @Test
    void sendsAndPrintsTheDialogue() {
        Result r = send("Hello from the test.\n", "--from", "sender@example.org", "--to", "alice@example.test");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
                .contains("*** Trying 127.0.0.1:" + tern.smtpPort() + "...")
                .contains("<- 220 mx.tern.test ESMTP Tern")
                .contains("-> EHLO client.example.org")
                .contains("<- 250-PIPELINING")
                .contains("-> MAIL FROM:<sender@example.org> SIZE=")
                .contains("-> RCPT TO:<alice@example.test>")
                .contains("-> DATA")
                .contains("-> Subject: Test message")
                .contains("-> Hello from the test.")
                .contains("-> .")
                .contains("<- 250 2.0.0 Ok: queued as ")
                .contains("*** message accepted: 250 2.0.0 Ok: queued as ")
                .contains("-> QUIT")
                .contains("<- 221 2.0.0 Bye");
        String content = tern.content(onlyMessage("alice@example.test"));
        assertThat(content).contains("From: sender@example.org\r\n").contains("To: alice@example.test\r\n")
                .contains("MIME-Version: 1.0\r\n").contains("Content-Type: text/plain; charset=UTF-8\r\n")
                .contains("Content-Transfer-Encoding: 7bit\r\n").contains("Message-ID: <")
                .endsWith("\r\n\r\nHello from the test.\r\n");
    }

    @Test
    void noBodyMeansTheDefaultTestText() {
        Result r = send("", "--from", "sender@example.org", "--to", "carol@example.test", "--subject", "Ping",
                "--header", "X-Test: yes", "--header", "Subject: Replaced");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        String content = tern.content(onlyMessage("carol@example.test"));
        assertThat(content).contains("Subject: Replaced\r\n").doesNotContain("Subject: Ping").contains("X-Test: yes\r\n")
                .endsWith("\r\n\r\n" + SendCommand.DEFAULT_BODY.replace("\n", "\r\n"));
    }

    @Test
    void severalRecipientsAllDelivered() {
        Result r = send("hi\n", "--from", "sender@example.org", "--to", "dave@example.test,bob@example.test");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        onlyMessage("dave@example.test");
        onlyMessage("bob@example.test");
    }

    @Test
    void aRefusedRecipientFailsTheCommandAndNothingIsSent() {
        Result r = send("hi\n", "--from", "sender@example.org", "--to", "erin@example.test", "--to", "nobody@example.test");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("<- 550 5.1.1 <nobody@example.test>: Recipient address rejected")
                .contains("-> RSET").contains("-> QUIT").doesNotContain("-> DATA");
        assertThat(r.err()).startsWith("tern: recipient refused, nothing sent: <nobody@example.test>: 550 5.1.1 ");
        assertThat(tern.inbox("erin@example.test")).isEmpty();  // no DATA was sent, so nothing can arrive
    }

    @Test
    void aRefusedConnectionIsOneLine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        Result r = InProcessCli.run("", "send", "--server", "127.0.0.1:" + port, "--ehlo", "client.example.org",
                "--from", "a@example.org", "--to", "b@example.org");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("tern: cannot connect to 127.0.0.1:" + port + ": connection refused\n");
    }

    @Test
    void linesStartingWithADotArriveIntact() {
        String body = ".hidden\n..two dots\n.\nnormal . line\n. \n";
        Result r = send(body, "--from", "sender@example.org", "--to", "frank@example.test");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("-> ..hidden\n").contains("-> ...two dots\n").contains("-> ..\n");
        String content = tern.content(onlyMessage("frank@example.test"));
        assertThat(content).endsWith("\r\n\r\n.hidden\r\n..two dots\r\n.\r\nnormal . line\r\n. \r\n");
    }

    @Test
    void utf8SubjectAndBodyArriveIntact(@TempDir Path files) throws Exception {
        Path bodyFile = files.resolve("body.txt");
        Files.writeString(bodyFile, "Grüße aus Köln — ✓\nzweite Zeile\n", StandardCharsets.UTF_8);
        Result r = send(null, "--from", "sender@example.org", "--to", "grace@example.test",
                "--subject", "Grüße ✓ über Köln", "--body-file", bodyFile.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("BODY=8BITMIME");
        Rows.Message m = onlyMessage("grace@example.test");
        String content = tern.content(m);
        assertThat(content).contains("Content-Transfer-Encoding: 8bit\r\n")
                .endsWith("\r\n\r\nGrüße aus Köln — ✓\r\nzweite Zeile\r\n");
        HeaderSummary h = HeaderSummary.read(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
        assertThat(h.get("subject")).isEqualTo("Grüße ✓ über Köln");
    }

    @Test
    void badInputIsRefusedBeforeConnecting() {
        Result r = send("", "--from", "not an address", "--to", "henry@example.test");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("tern: --from not an address: ");
        Result h = send("", "--from", "a@example.org", "--to", "henry@example.test", "--header", "Broken");
        assertThat(h.err()).startsWith("tern: a header is written 'Name: value'");
        Result both = send("", "--from", "a@example.org", "--to", "henry@example.test", "--tls", "--starttls");
        assertThat(both.code()).isEqualTo(2);
        assertThat(tern.inbox("henry@example.test")).isEmpty();
    }
}
