package dev.tern.server;

import dev.tern.testing.ClientRun;
import dev.tern.testing.LogLines;
import dev.tern.testing.LoopbackPorts;
import dev.tern.testing.PostfixInstance;
import dev.tern.testing.RunningServer;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The lmtp listener of a running server, with the clients that use LMTP: Postfix's lmtp transport
 * (a Postfix in front relaying example.test to Tern, its bounce for an unknown user coming back
 * over LMTP too), msmtp and Python's smtplib.LMTP; and what the server decides for LMTP alone:
 * clients outside {@code [lmtp] allow_from} refused at the greeting, no relaying even for a
 * network of {@code relay_from}. .ci/run installs Postfix and msmtp; the tests that run them are
 * skipped only where they are missing.
 */
class LmtpDeliveryTest {

    static final Path MSMTP = Path.of("/usr/bin/msmtp");

    @TempDir
    Path dir;
    RunningServer tern;
    /** The listener's Unix socket, beside its TCP address. */
    Path socket;

    @BeforeEach
    void start() throws Exception {
        Path home = dir.resolve("tern");
        Files.createDirectories(home);
        socket = home.resolve("lmtp.sock");
        // Postfix's lmtp client runs as the postfix user: the socket is open to every local user here.
        tern = new RunningServer(home, """
                [smtp]
                relay_from = ["127.0.0.0/8"]
                [lmtp]
                allow_from = ["127.0.0.1"]
                socket_mode = "0666"
                """, "lmtp = [\"unix:" + socket + "\", \"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        for (String user : List.of("alice", "bob", "carol")) {
            tern.services().directory().addUser(user + "@example.test", user + "-pw");
        }
    }

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    private int lmtpPort() {
        return tern.port("lmtp");
    }

    @Test
    void postfixDeliversThroughItsLmtpTransport() throws Exception {
        assumeTrue(PostfixInstance.available(), "Postfix is not installed (apt-get install postfix), or not root");
        int front = LoopbackPorts.freeOnAll("127.0.0.1");
        try (PostfixInstance postfix = PostfixInstance.start(dir.resolve("postfix"), front, List.of(
                "myhostname = front.example.test",
                "relay_domains = example.test",
                "transport_maps = inline:{ example.test=lmtp:inet:127.0.0.1:" + lmtpPort() + " }"))) {
            Properties props = new Properties();
            props.put("mail.smtp.host", "127.0.0.1");
            props.put("mail.smtp.port", String.valueOf(front));
            props.put("mail.smtp.localhost", "client.test");
            MimeMessage m = new MimeMessage(Session.getInstance(props));
            m.setFrom(new InternetAddress("carol@example.test"));
            m.setRecipients(Message.RecipientType.TO, "alice@example.test, bob@example.test");
            m.setSubject("through Postfix");
            m.setText("relayed by Postfix, delivered by Tern over LMTP\n");
            m.saveChanges();
            // Postfix takes the unknown user too (it does not know Tern's users) and learns at LMTP.
            Transport.send(m, InternetAddress.parse("alice@example.test, bob@example.test, nobody@example.test"));

            await().atMost(Duration.ofSeconds(60)).until(() -> tern.inbox("alice@example.test").size() == 1
                    && tern.inbox("bob@example.test").size() == 1);
            String delivered = tern.content(tern.inbox("alice@example.test").get(0));
            assertThat(delivered).contains("Subject: through Postfix")
                    .containsPattern("Received: from front\\.example\\.test \\(.*\\[127\\.0\\.0\\.1\\]\\)\r\n"
                            + "\tby mx\\.tern\\.test \\(Tern\\) with LMTP id ")
                    .contains("by front.example.test (Postfix) with ESMTP");
            assertThat(tern.content(tern.inbox("bob@example.test").get(0))).contains("Subject: through Postfix");

            // The refusal at RCPT became Postfix's bounce, which came back to the sender over LMTP.
            await().atMost(Duration.ofSeconds(60)).until(() -> tern.inbox("carol@example.test").size() == 1);
            String bounce = tern.content(tern.inbox("carol@example.test").get(0));
            assertThat(bounce).contains("MAILER-DAEMON").contains("nobody@example.test")
                    .contains("550 5.1.1");
            String log = postfix.logText();
            assertThat(log).containsPattern("to=<alice@example\\.test>, relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:"
                    + lmtpPort() + ".*status=sent \\(250 2\\.0\\.0 <alice@example\\.test> Ok: queued as ")
                    .containsPattern("to=<bob@example\\.test>.*status=sent \\(250 2\\.0\\.0 <bob@example\\.test> Ok")
                    .containsPattern("to=<nobody@example\\.test>.*status=bounced .*550 5\\.1\\.1");
        }
    }

    @Test
    void postfixDeliversThroughTheUnixSocket() throws Exception {
        assumeTrue(PostfixInstance.available(), "Postfix is not installed (apt-get install postfix), or not root");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-rw-rw-");
        int front = LoopbackPorts.freeOnAll("127.0.0.1");
        try (PostfixInstance postfix = PostfixInstance.start(dir.resolve("postfix"), front, List.of(
                "myhostname = front.example.test",
                "relay_domains = example.test",
                "transport_maps = inline:{ example.test=lmtp:unix:" + socket + " }"))) {
            Properties props = new Properties();
            props.put("mail.smtp.host", "127.0.0.1");
            props.put("mail.smtp.port", String.valueOf(front));
            MimeMessage m = new MimeMessage(Session.getInstance(props));
            m.setFrom(new InternetAddress("carol@example.test"));
            m.setRecipients(Message.RecipientType.TO, "alice@example.test");
            m.setSubject("through the socket");
            m.setText("relayed by Postfix, delivered by Tern over LMTP on a Unix socket\n");
            m.saveChanges();
            Transport.send(m, InternetAddress.parse("alice@example.test, nobody@example.test"));

            await().atMost(Duration.ofSeconds(60)).until(() -> tern.inbox("alice@example.test").size() == 1);
            // No address to show for a client of the socket: the Received field says only its LHLO name.
            assertThat(tern.content(tern.inbox("alice@example.test").get(0))).contains("Subject: through the socket")
                    .contains("Received: from front.example.test\r\n\tby mx.tern.test (Tern) with LMTP id ");
            await().atMost(Duration.ofSeconds(60)).until(() -> tern.inbox("carol@example.test").size() == 1);
            assertThat(tern.content(tern.inbox("carol@example.test").get(0))).contains("nobody@example.test")
                    .contains("550 5.1.1");
            assertThat(postfix.logText())
                    .containsPattern("to=<alice@example\\.test>, relay=.*status=sent \\(250 2\\.0\\.0 "
                            + "<alice@example\\.test> Ok: queued as ")
                    .containsPattern("to=<nobody@example\\.test>.*status=bounced .*550 5\\.1\\.1");
        }
    }

    @Test
    void pythonSmtplibLmtpOnTheUnixSocket() throws Exception {
        Path script = dir.resolve("lmtp-socket.py");
        Files.writeString(script, """
                import smtplib, sys
                # A path: AF_UNIX. One recipient: smtplib reads a single reply after the content.
                with smtplib.LMTP(sys.argv[1]) as s:
                    refused = s.sendmail('carol@example.test', ['alice@example.test'],
                                         'Subject: over the socket\\r\\n\\r\\nhello\\r\\n')
                    print('refused', refused)
                """);
        try (LogLines log = LogLines.of("dev.tern.smtp")) {
            ClientRun.Result r = ClientRun.run(new ProcessBuilder("python3", script.toString(), socket.toString()),
                    dir.resolve("python-socket.out"), Duration.ofSeconds(60));
            assertThat(r.status()).as(r.output()).isZero();
            assertThat(r.output()).contains("refused {}");
            assertThat(log.messages()).anyMatch(line -> line.contains("client=local ")
                    && line.contains("to=<alice@example.test>"));
        }
        assertThat(tern.content(tern.inbox("alice@example.test").get(0))).contains("Subject: over the socket");
    }

    @Test
    void theSocketGoesWithTheServerAndAStaleOneIsReplaced() throws Exception {
        assertThat(socket).exists();
        tern.close();
        assertThat(socket).doesNotExist();
        // A socket left behind, as by a server killed with SIGKILL: the next start takes its place.
        try (java.nio.channels.ServerSocketChannel dead = java.nio.channels.ServerSocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            dead.bind(java.net.UnixDomainSocketAddress.of(socket));
        }
        tern = new RunningServer(dir.resolve("tern"), "[lmtp]\nsocket_mode = \"0600\"\n",
                "lmtp = [\"unix:" + socket + "\"]\n", null);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(socket))) {
            BufferedReader in = new BufferedReader(new InputStreamReader(java.nio.channels.Channels.newInputStream(c),
                    StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("220 mx.tern.test LMTP Tern");
        }
    }

    @Test
    void msmtpDeliversToSeveralRecipients() throws Exception {
        assumeTrue(Files.isExecutable(MSMTP), "msmtp is not installed (apt-get install msmtp)");
        Path input = dir.resolve("message.eml");
        Files.writeString(input, "From: carol@example.test\nTo: alice@example.test, bob@example.test\n"
                + "Subject: from msmtp\n\nover LMTP\n");
        ProcessBuilder pb = new ProcessBuilder(MSMTP.toString(), "--protocol=lmtp", "--host=127.0.0.1",
                "--port=" + lmtpPort(), "--domain=client.test", "--from=carol@example.test", "--auth=off",
                "--tls=off", "alice@example.test", "bob@example.test")
                .directory(dir.toFile()).redirectInput(input.toFile());
        pb.environment().put("HOME", dir.toString());
        ClientRun.Result r = ClientRun.run(pb, dir.resolve("msmtp.out"), Duration.ofSeconds(60));
        assertThat(r.status()).as(r.output()).isZero();
        assertThat(tern.inbox("alice@example.test")).hasSize(1);
        assertThat(tern.inbox("bob@example.test")).hasSize(1);
        assertThat(tern.content(tern.inbox("bob@example.test").get(0))).contains("Subject: from msmtp")
                .contains("with LMTP id");

        // A recipient of another domain: refused, nothing delivered.
        r = ClientRun.run(new ProcessBuilder(MSMTP.toString(), "--protocol=lmtp", "--host=127.0.0.1",
                        "--port=" + lmtpPort(), "--from=carol@example.test", "--auth=off", "--tls=off",
                        "someone@elsewhere.test").directory(dir.toFile()).redirectInput(input.toFile()),
                dir.resolve("msmtp2.out"), Duration.ofSeconds(60));
        assertThat(r.status()).isNotZero();
        assertThat(r.output()).contains("550 5.1.2");
    }

    @Test
    void pythonSmtplibLmtp() throws Exception {
        Path script = dir.resolve("lmtp.py");
        Files.writeString(script, """
                import smtplib, sys
                with smtplib.LMTP('127.0.0.1', int(sys.argv[1])) as s:   # its ehlo sends LHLO
                    refused = s.sendmail('carol@example.test', ['alice@example.test'],
                                         'Authentication-Results: mx.tern.test; dmarc=pass header.from=example.test\\r\\n'
                                         'Subject: from Python\\r\\n\\r\\nover LMTP\\r\\n')
                    print('refused', refused)
                """);
        ClientRun.Result r = ClientRun.run(new ProcessBuilder("python3", script.toString(),
                String.valueOf(lmtpPort())), dir.resolve("python.out"), Duration.ofSeconds(60));
        assertThat(r.status()).as(r.output()).isZero();
        assertThat(r.output()).contains("refused {}");
        // The front MTA's verdict, even under this server's authserv-id, is kept: LMTP runs no checks of its own.
        assertThat(tern.content(tern.inbox("alice@example.test").get(0))).contains("Subject: from Python")
                .contains("Authentication-Results: mx.tern.test; dmarc=pass header.from=example.test");
    }

    @Test
    void onlyAllowedClientsAndOnlyLocalRecipients() throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            s.connect(new InetSocketAddress("127.0.0.1", lmtpPort()), 5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("554 5.7.1 Access denied: this address may not use LMTP");
            assertThat(in.readLine()).isNull();
        }
        try (Socket s = new Socket("127.0.0.1", lmtpPort())) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            assertThat(in.readLine()).isEqualTo("220 mx.tern.test LMTP Tern");
            out.write("LHLO client.test\r\n".getBytes(StandardCharsets.US_ASCII));
            String line;
            do {
                line = in.readLine();
            } while (line.startsWith("250-"));
            // relay_from covers this client on the smtp listener; LMTP still never relays.
            out.write(("MAIL FROM:<carol@example.test>\r\nRCPT TO:<someone@elsewhere.test>\r\n"
                    + "RCPT TO:<nobody@example.test>\r\nRCPT TO:<alice@example.test>\r\nQUIT\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("250 ");
            assertThat(in.readLine()).isEqualTo("550 5.1.2 <someone@elsewhere.test>: Recipient address rejected: "
                    + "domain not hosted here");
            assertThat(in.readLine()).startsWith("550 5.1.1 <nobody@example.test>");
            assertThat(in.readLine()).startsWith("250 ");
            assertThat(in.readLine()).startsWith("221 ");
        }
    }
}
