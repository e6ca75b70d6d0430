package dev.tern.smtp.client;

import dev.tern.mail.MailAddress;
import dev.tern.testing.RunningServer;
import dev.tern.testing.ScriptedSmtpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The client API as outbound delivery uses it, against Tern's server and a scripted one, on loopback. */
class SmtpConnectionTest {

    @TempDir
    static Path dir;
    static RunningServer tern;
    static SmtpClient client;

    @BeforeAll
    static void start() {
        tern = new RunningServer(dir, "");
        tern.services().directory().addDomain("example.test");
        for (String u : List.of("alice", "bob", "carol", "dave")) {
            tern.services().directory().addUser(u + "@example.test", "pw");
        }
        client = new SmtpClient(SmtpClientSettings.defaults("client.example.org")
                .withTimeouts(SmtpTimeouts.uniform(Duration.ofSeconds(10))));
    }

    @AfterAll
    static void stop() {
        client.close();
        tern.close();
    }

    /** Records the dialogue as "C: line", "S: line", "content N". */
    static final class Recorder implements TranscriptListener {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void sent(String line) {
            lines.add("C: " + line);
        }

        @Override
        public void received(String line) {
            lines.add("S: " + line);
        }

        @Override
        public void contentSent(long octets) {
            lines.add("content " + octets);
        }
    }

    private static MailAddress a(String s) {
        return MailAddress.parse(s);
    }

    private static SmtpConnection connectTern(Recorder r) {
        return client.connect("localhost", new java.net.InetSocketAddress("127.0.0.1", tern.smtpPort()), false, r).join();
    }

    private static SmtpClientException failure(Runnable r) {
        try {
            r.run();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SmtpClientException s) {
                return s;
            }
            throw e;
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void pipelinedTransactionWithARefusedRecipient() {
        Recorder rec = new Recorder();
        SmtpConnection c = connectTern(rec);
        assertThat(c.greeting().code()).isEqualTo(220);
        Capabilities caps = c.ehlo().join();
        assertThat(caps.pipelining()).isTrue();
        TransactionResult t = c.transaction(MailFrom.of(a("sender@example.org")).withSize(100),
                List.of(RcptTo.of(a("alice@example.test")), RcptTo.of(a("nobody@example.test"))),
                MessageContent.of("Subject: t\n\nbody\n".getBytes(StandardCharsets.US_ASCII))).join();
        assertThat(t.envelope().mailAccepted()).isTrue();
        assertThat(t.envelope().accepted()).extracting(r -> r.rcpt().recipient().toString()).containsExactly("alice@example.test");
        assertThat(t.envelope().refused()).singleElement().satisfies(r -> {
            assertThat(r.reply().code()).isEqualTo(550);
            assertThat(r.reply().enhancedCode()).isEqualTo("5.1.1");
        });
        assertThat(t.delivered()).isTrue();
        assertThat(t.content().text()).startsWith("Ok: queued as ");
        c.quit().join();

        // MAIL and both RCPTs went out before the first of their replies came back
        int mail = rec.lines.indexOf("C: MAIL FROM:<sender@example.org> SIZE=100");
        assertThat(rec.lines.subList(mail, mail + 4)).containsExactly("C: MAIL FROM:<sender@example.org> SIZE=100",
                "C: RCPT TO:<alice@example.test>", "C: RCPT TO:<nobody@example.test>", "S: 250 2.1.0 Ok");
        assertThat(rec.lines).contains("content 20", "C: .");
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("alice@example.test").size() == 1);
        assertThat(tern.content(tern.inbox("alice@example.test").get(0))).endsWith("Subject: t\r\n\r\nbody\r\n");
    }

    @Test
    void bigMessagesAreStreamedInBlocksWithDataAndWithBdat() {
        StringBuilder sb = new StringBuilder("Subject: big\n\n");
        for (int i = 0; sb.length() < 300_000; i++) {
            sb.append(i % 50 == 0 ? ".dot line " : "line ").append(i).append('\n');
        }
        byte[] body = sb.toString().getBytes(StandardCharsets.US_ASCII);
        SmtpConnection c = connectTern(new Recorder());
        c.ehlo().join();
        EnvelopeResult env = c.envelope(MailFrom.of(a("s@example.org")), List.of(RcptTo.of(a("bob@example.test")))).join();
        assertThat(env.allAccepted()).isTrue();
        assertThat(c.data(MessageContent.of(body)).join().isPositive()).isTrue();

        Recorder rec = new Recorder();
        SmtpConnection chunked = connectTern(rec);
        assertThat(chunked.ehlo().join().chunking()).isTrue();
        chunked.envelope(MailFrom.of(a("s@example.org")), List.of(RcptTo.of(a("carol@example.test")))).join();
        assertThat(chunked.bdat(MessageContent.of(body), false).join().isPositive()).isTrue();
        assertThat(rec.lines).filteredOn(l -> l.startsWith("C: BDAT ")).hasSizeGreaterThan(2).last().asString().endsWith(" LAST");
        c.quit().join();
        chunked.quit().join();

        String expected = sb.toString().replace("\n", "\r\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("bob@example.test").size() == 1
                && tern.inbox("carol@example.test").size() == 1);
        assertThat(tern.content(tern.inbox("bob@example.test").get(0))).endsWith(expected);
        assertThat(tern.content(tern.inbox("carol@example.test").get(0))).endsWith(expected);
    }

    @Test
    void binaryMimeGoesInBdatChunksUnchanged() {
        SmtpConnection c = connectTern(new Recorder());
        c.ehlo().join();
        byte[] content = "Subject: bin\r\nContent-Type: application/octet-stream\r\n\r\nbare\nlf\r\n".getBytes(StandardCharsets.US_ASCII);
        TransactionResult t = c.transaction(MailFrom.of(a("s@example.org")).withBody("BINARYMIME"),
                List.of(RcptTo.of(a("dave@example.test"))), MessageContent.of(content)).join();
        assertThat(t.delivered()).isTrue();
        c.quit().join();
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("dave@example.test").size() == 1);
        assertThat(tern.content(tern.inbox("dave@example.test").get(0))).endsWith("\r\n\r\nbare\nlf\r\n");
    }

    @Test
    void withoutPipeliningCommandsGoOneByOne() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.pipelining = false;
        o.refusedRecipients = java.util.Set.of("x@example.net");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(o)) {
            Recorder rec = new Recorder();
            SmtpConnection c = client.connect("127.0.0.1", server.port(), false, rec).join();
            c.ehlo().join();
            TransactionResult t = c.transaction(MailFrom.of(a("s@example.org")),
                    List.of(RcptTo.of(a("x@example.net")), RcptTo.of(a("y@example.net"))),
                    MessageContent.of("hi\r\n".getBytes(StandardCharsets.US_ASCII))).join();
            assertThat(t.envelope().refused()).hasSize(1);
            assertThat(t.delivered()).isTrue();
            c.quit().join();
            int mail = rec.lines.indexOf("C: MAIL FROM:<s@example.org> SIZE=0".replace(" SIZE=0", ""));
            assertThat(rec.lines.subList(mail, mail + 6)).containsExactly("C: MAIL FROM:<s@example.org>", "S: 250 2.1.0 Ok",
                    "C: RCPT TO:<x@example.net>", "S: 550 5.1.1 <x@example.net>: Recipient address rejected: User unknown",
                    "C: RCPT TO:<y@example.net>", "S: 250 2.1.5 Ok");
            assertThat(server.messages()).containsExactly("hi\r\n");
        }
    }

    @Test
    void heloWhenEhloIsRefused() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.refuseEhlo = true;
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(o)) {
            SmtpConnection c = client.connect("127.0.0.1", server.port(), false, TranscriptListener.NONE).join();
            Capabilities caps = c.ehlo().join();
            assertThat(caps.isEsmtp()).isFalse();
            assertThat(server.commands()).containsExactly("EHLO client.example.org", "HELO client.example.org");
            // without 8BITMIME the client will not send 8-bit content
            assertThat(failure(() -> c.envelope(MailFrom.of(a("s@example.org")).withBody("8BITMIME"),
                    List.of(RcptTo.of(a("y@example.net")))).join()).kind()).isEqualTo(SmtpClientException.Kind.UNSUPPORTED);
            c.quit().join();
        }
    }

    @Test
    void utf8AddressesNeedSmtpUtf8() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(new ScriptedSmtpServer.Options())) {
            SmtpConnection c = client.connect("127.0.0.1", server.port(), false, TranscriptListener.NONE).join();
            c.ehlo().join();
            SmtpClientException e = failure(() -> c.envelope(MailFrom.of(a("s@example.org")),
                    List.of(RcptTo.of(a("jörg@example.net")))).join());
            assertThat(e.kind()).isEqualTo(SmtpClientException.Kind.UNSUPPORTED);
            assertThat(e.getMessage()).contains("SMTPUTF8");
            assertThat(e.isTransient()).isFalse();
            c.quit().join();
            assertThat(server.commands()).noneMatch(l -> l.startsWith("MAIL"));
        }
        ScriptedSmtpServer.Options utf8 = new ScriptedSmtpServer.Options();
        utf8.smtpUtf8 = true;
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(utf8)) {
            SmtpConnection c = client.connect("127.0.0.1", server.port(), false, TranscriptListener.NONE).join();
            c.ehlo().join();
            assertThat(c.envelope(MailFrom.of(a("s@example.org")), List.of(RcptTo.of(a("jörg@example.net")))).join()
                    .allAccepted()).isTrue();
            c.quit().join();
            assertThat(server.commands()).contains("MAIL FROM:<s@example.org> SMTPUTF8", "RCPT TO:<jörg@example.net>");
        }
    }

    @Test
    void aSilentServerTimesOutAndTheConnectionCloses() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.silent = true;
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(o);
             SmtpClient quick = new SmtpClient(SmtpClientSettings.defaults("client.example.org")
                     .withTimeouts(SmtpTimeouts.uniform(Duration.ofMillis(300))))) {
            SmtpConnection c = quick.connect("127.0.0.1", server.port(), false, TranscriptListener.NONE).join();
            SmtpClientException e = failure(() -> c.ehlo().join());
            assertThat(e.kind()).isEqualTo(SmtpClientException.Kind.TIMEOUT);
            assertThat(e.getMessage()).isEqualTo("no reply from 127.0.0.1 to EHLO within 300 ms");
            assertThat(e.isTransient()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> !c.isOpen());
            assertThat(failure(() -> c.noop().join()).kind()).isEqualTo(SmtpClientException.Kind.TIMEOUT);
        }
    }

    @Test
    void anUnsolicited421EndsTheSession() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.afterEhlo = "421 4.3.2 fake.test shutting down";
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(o)) {
            SmtpConnection c = client.connect("127.0.0.1", server.port(), false, TranscriptListener.NONE).join();
            c.ehlo().join();
            await().atMost(Duration.ofSeconds(5)).until(() -> !c.isOpen());
            SmtpClientException e = failure(() -> c.noop().join());
            assertThat(e.kind()).isEqualTo(SmtpClientException.Kind.CLOSED);
            assertThat(e.reply().code()).isEqualTo(421);
            assertThat(e.isTransient()).isTrue();
        }
    }

    @Test
    void a554GreetingIsARefusal() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.greeting = "554 5.7.1 fake.test no service for you";
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(o)) {
            SmtpClientException e = failure(() -> client.connect("127.0.0.1", server.port(), false, TranscriptListener.NONE).join());
            assertThat(e.kind()).isEqualTo(SmtpClientException.Kind.REJECTED);
            assertThat(e.reply().enhancedCode()).isEqualTo("5.7.1");
            assertThat(e.isTransient()).isFalse();
        }
    }

    @Test
    void aRefusedConnection() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        int closed = port;
        SmtpClientException e = failure(() -> client.connect("127.0.0.1", closed, false, TranscriptListener.NONE).join());
        assertThat(e.kind()).isEqualTo(SmtpClientException.Kind.CONNECT);
        assertThat(e.getMessage()).isEqualTo("cannot connect to 127.0.0.1:" + port + ": connection refused");
        assertThat(e.isTransient()).isTrue();
    }

    @Test
    void contentThatCannotBeReadIsNeverTerminated() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(new ScriptedSmtpServer.Options())) {
            Recorder rec = new Recorder();
            SmtpConnection c = client.connect("127.0.0.1", server.port(), false, rec).join();
            c.ehlo().join();
            c.envelope(MailFrom.of(a("s@example.org")), List.of(RcptTo.of(a("y@example.net")))).join();
            MessageContent broken = () -> new SequenceInputStream(
                    new ByteArrayInputStream("Subject: half\r\n\r\nfirst part\r\n".getBytes(StandardCharsets.US_ASCII)),
                    new InputStream() {
                        @Override
                        public int read() throws IOException {
                            throw new IOException("disk error");
                        }
                    });
            SmtpClientException e = failure(() -> c.data(broken).join());
            assertThat(e.getMessage()).contains("disk error");
            await().atMost(Duration.ofSeconds(5)).until(() -> !c.isOpen());
            assertThat(rec.lines).doesNotContain("C: .");
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void aServerRefusingInTheMiddleOfTheContent() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.refuseDuringData = "552 5.3.4 Message too big";
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(o)) {
            SmtpConnection c = client.connect("127.0.0.1", server.port(), false, TranscriptListener.NONE).join();
            c.ehlo().join();
            c.envelope(MailFrom.of(a("s@example.org")), List.of(RcptTo.of(a("y@example.net")))).join();
            byte[] big = ("Subject: big\r\n\r\n" + "x".repeat(70) + "\r\n").repeat(20_000).getBytes(StandardCharsets.US_ASCII);
            ServerReply reply;
            try {
                reply = c.data(MessageContent.of(big)).join();
            } catch (CompletionException e) {
                SmtpClientException s = (SmtpClientException) e.getCause();
                assertThat(s.kind()).isIn(SmtpClientException.Kind.REJECTED, SmtpClientException.Kind.CLOSED);
                reply = s.reply();
            }
            if (reply != null) {  // the server's refusal, whether it came before or after the client's final "."
                assertThat(reply.code()).isEqualTo(552);
                assertThat(reply.isPermanent()).isTrue();
            }
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void startTlsThenAuthThroughTheApi() throws Exception {
        dev.tern.testing.TestPki pki = new dev.tern.testing.TestPki();
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.startTls = pki.serverContext("localhost");
        o.auth = List.of("SCRAM-SHA-256");
        o.authOnlyAfterTls = true;
        SmtpClientSettings settings = SmtpClientSettings.defaults("client.example.org")
                .withTls(TlsSettings.trusting(List.of(pki.caCertificate())))
                .withTimeouts(SmtpTimeouts.uniform(Duration.ofSeconds(10)));
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(o); SmtpClient tlsClient = new SmtpClient(settings)) {
            Recorder rec = new Recorder();
            SmtpConnection c = tlsClient.connect("localhost", new java.net.InetSocketAddress("127.0.0.1", server.port()), false, rec)
                    .join();
            assertThat(c.ehlo().join().authMechanisms()).isEmpty();
            Capabilities afterTls = c.startTls().join();
            assertThat(c.isTls()).isTrue();
            assertThat(c.tlsSession().getProtocol()).startsWith("TLSv1.");
            assertThat(afterTls.startTls()).isFalse();
            assertThat(afterTls.authMechanisms()).containsExactly("SCRAM-SHA-256");
            ServerReply ok = c.authenticate(new dev.tern.auth.client.ScramSha256Mechanism(null, "alice@example.test", "s3cret pw"))
                    .join();
            assertThat(ok.code()).isEqualTo(235);
            assertThat(server.authenticated()).containsExactly("alice@example.test");
            c.quit().join();
            assertThat(rec.lines).contains("C: AUTH SCRAM-SHA-256 <redacted>").noneMatch(l -> l.contains("s3cret"));
        }
    }

    @Test
    void mailAndRcptParametersFollowTheServersExtensions() {
        Capabilities all = Capabilities.fromEhlo(ReplyParser.parse("250-x\r\n250-SIZE 100\r\n250-8BITMIME\r\n250 DSN"));
        MailFrom from = new MailFrom(a("s@example.org"), 42, "8BITMIME", false, dev.tern.mail.DsnRet.HDRS, "id+2B1", false);
        assertThat(SmtpConnection.mailLine(from, all)).isEqualTo("MAIL FROM:<s@example.org> SIZE=42 BODY=8BITMIME RET=HDRS ENVID=id+2B1");
        assertThat(SmtpConnection.mailLine(from.withBody("7BIT"), Capabilities.NONE)).isEqualTo("MAIL FROM:<s@example.org>");
        assertThat(SmtpConnection.mailLine(MailFrom.of(null), all)).isEqualTo("MAIL FROM:<>");
        RcptTo rcpt = new RcptTo(a("r@example.net"), java.util.Set.of("SUCCESS", "FAILURE"), "rfc822;r@example.net");
        assertThat(SmtpConnection.rcptLine(rcpt, all)).isEqualTo("RCPT TO:<r@example.net> NOTIFY=FAILURE,SUCCESS ORCPT=rfc822;r@example.net");
        assertThat(SmtpConnection.rcptLine(rcpt, Capabilities.NONE)).isEqualTo("RCPT TO:<r@example.net>");
        RcptTo utf8 = new RcptTo(a("r@example.net"), java.util.Set.of(), "utf-8;j\\x{F6}rg@example.net");
        assertThat(SmtpConnection.rcptLine(utf8, all)).as("7-bit, for a server with or without SMTPUTF8")
                .isEqualTo("RCPT TO:<r@example.net> ORCPT=utf-8;j\\x{F6}rg@example.net");
    }
}
