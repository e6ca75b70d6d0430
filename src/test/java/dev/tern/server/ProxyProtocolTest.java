package dev.tern.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tern.admin.http.Dispatcher;
import dev.tern.testing.ProxyHeaders;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Tern behind a TCP load balancer ({@code [proxy_protocol]}), with 127.0.0.1 as the trusted
 * balancer and 127.0.0.2 as a client that connects directly: the client address from the PROXY
 * header reaches the Received field, the per-address connection limits of IMAP and POP3 and the
 * admin log; the header comes before TLS on implicit-TLS listeners; a header from an untrusted
 * client is a bad command; a balancer that sends no header, or a bad one, is closed on.
 */
class ProxyProtocolTest {

    @TempDir
    Path dir;
    RunningServer tern;
    SSLContext trusting;

    @BeforeEach
    void start() {
        TestCertificates.Issued issued = TestCertificates.ec().write(dir.resolve("cert.pem"), dir.resolve("key.pem"), true);
        trusting = issued.trustingClient();
        tern = new RunningServer(dir, """
                [tls]
                cert = "cert.pem"
                key = "key.pem"
                [imap]
                max_connections_per_ip = 1
                [pop3]
                max_connections_per_ip = 1
                [proxy_protocol]
                listeners = ["smtp", "submissions", "imap", "imaps", "pop3", "admin"]
                trusted = ["127.0.0.1/32"]
                """, """
                submissions = ["127.0.0.1:0"]
                imap = ["127.0.0.1:0"]
                imaps = ["127.0.0.1:0"]
                pop3 = ["127.0.0.1:0"]
                admin = ["127.0.0.1:0"]
                """, null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "alice-pw");
        tern.services().directory().addUser("bob@example.test", "bob-pw");
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    /** A line-oriented connection that may send a PROXY header first and then start TLS. */
    private final class Conn implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        Conn(String from, String listener, byte[] header, boolean tls) throws IOException {
            Socket plain = new Socket();
            plain.bind(new InetSocketAddress(from, 0));
            plain.connect(new InetSocketAddress("127.0.0.1", tern.port(listener)), 10_000);
            plain.setSoTimeout(10_000);
            if (header != null) {
                plain.getOutputStream().write(header);
                plain.getOutputStream().flush();
            }
            if (tls) {
                SSLSocket secure = (SSLSocket) trusting.getSocketFactory()
                        .createSocket(plain, "127.0.0.1", plain.getPort(), true);
                secure.startHandshake();
                socket = secure;
            } else {
                socket = plain;
            }
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        String line() throws IOException {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed");
            }
            return line;
        }

        /** An SMTP reply: its lines up to the last one, joined by "\n". */
        String reply() throws IOException {
            List<String> lines = new ArrayList<>();
            String line;
            do {
                line = line();
                lines.add(line);
            } while (line.length() > 3 && line.charAt(3) == '-');
            return String.join("\n", lines);
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        String command(String line) throws IOException {
            send(line + "\r\n");
            return reply();
        }

        boolean closedSilently() throws IOException {
            try {
                return socket.getInputStream().read() == -1;
            } catch (SocketException reset) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static void mailBob(Conn c, String subject) throws IOException {
        assertThat(c.command("MAIL FROM:<someone@sender.example>")).startsWith("250");
        assertThat(c.command("RCPT TO:<bob@example.test>")).startsWith("250");
        assertThat(c.command("DATA")).startsWith("354");
        c.send("Subject: " + subject + "\r\n\r\nhello\r\n.\r\n");
        assertThat(c.reply()).startsWith("250");
    }

    /** The Received field of the message with this subject in Bob's inbox, unfolded. */
    private String receivedOf(String subject) {
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("bob@example.test").stream()
                .anyMatch(m -> tern.content(m).contains("Subject: " + subject)));
        String content = tern.inbox("bob@example.test").stream().map(tern::content)
                .filter(t -> t.contains("Subject: " + subject)).findFirst().orElseThrow();
        int start = content.indexOf("Received: ");
        int end = content.indexOf("\r\n", start);
        while (content.startsWith("\t", end + 2) || content.startsWith(" ", end + 2)) {
            end = content.indexOf("\r\n", end + 2);
        }
        return content.substring(start, end).replace("\r\n", "");
    }

    @Test
    void smtpWithV1HeaderRecordsTheRealClient() throws Exception {
        try (Conn c = new Conn("127.0.0.1", "smtp", ProxyHeaders.v1("203.0.113.7", 40000, "127.0.0.1", 25), false)) {
            assertThat(c.reply()).startsWith("220 mx.tern.test");
            assertThat(c.command("EHLO client.test")).startsWith("250");
            mailBob(c, "via v1");
        }
        assertThat(receivedOf("via v1")).startsWith("Received: from client.test ([203.0.113.7])");
    }

    @Test
    void smtpWithV2HeadersOverIpv4AndIpv6() throws Exception {
        try (Conn c = new Conn("127.0.0.1", "smtp", ProxyHeaders.v2("198.51.100.4", 40001, "127.0.0.1", 25), false)) {
            assertThat(c.reply()).startsWith("220 ");
            assertThat(c.command("EHLO v4.test")).startsWith("250");
            mailBob(c, "via v2 ipv4");
        }
        try (Conn c = new Conn("127.0.0.1", "smtp", ProxyHeaders.v2("2001:db8::7", 40002, "2001:db8::1", 25), false)) {
            assertThat(c.reply()).startsWith("220 ");
            assertThat(c.command("EHLO v6.test")).startsWith("250");
            mailBob(c, "via v2 ipv6");
        }
        assertThat(receivedOf("via v2 ipv4")).startsWith("Received: from v4.test ([198.51.100.4])");
        assertThat(receivedOf("via v2 ipv6")).startsWith("Received: from v6.test ([IPv6:2001:db8::7])");
    }

    @Test
    void v2LocalKeepsTheBalancersOwnAddress() throws Exception {
        try (Conn c = new Conn("127.0.0.1", "smtp", ProxyHeaders.v2Local(), false)) {
            assertThat(c.reply()).startsWith("220 ");
            assertThat(c.command("EHLO balancer.test")).startsWith("250");
            mailBob(c, "from the balancer");
        }
        assertThat(receivedOf("from the balancer")).startsWith("Received: from balancer.test ([127.0.0.1])");
    }

    @Test
    void untrustedClientSendingAHeaderGetsABadCommandReplyAndKeepsItsAddress() throws Exception {
        try (Conn c = new Conn("127.0.0.2", "smtp", null, false)) {
            assertThat(c.reply()).startsWith("220 ");
            assertThat(c.command("PROXY TCP4 203.0.113.7 127.0.0.1 40000 25")).startsWith("500 5.5.2");
            assertThat(c.command("EHLO liar.test")).startsWith("250");
            mailBob(c, "direct");
        }
        assertThat(receivedOf("direct")).startsWith("Received: from liar.test ([127.0.0.2])");
    }

    @Test
    void balancerWithoutHeaderOrWithABadOneIsClosedWithoutAWord() throws Exception {
        try (Conn c = new Conn("127.0.0.1", "smtp", "EHLO client.test\r\n".getBytes(StandardCharsets.US_ASCII), false)) {
            assertThat(c.closedSilently()).isTrue();
        }
        try (Conn c = new Conn("127.0.0.1", "smtp",
                "PROXY TCP4 203.0.113.7 not-an-address 40000 25\r\n".getBytes(StandardCharsets.US_ASCII), false)) {
            assertThat(c.closedSilently()).isTrue();
        }
        try (Conn c = new Conn("127.0.0.1", "imaps", "PROXY TCP4 203.0.113.7\r\n".getBytes(StandardCharsets.US_ASCII),
                false)) {
            assertThat(c.closedSilently()).isTrue();
        }
    }

    @Test
    void implicitTlsSubmissionReadsTheHeaderBeforeTheHandshake() throws Exception {
        try (Conn c = new Conn("127.0.0.1", "submissions", ProxyHeaders.v1("192.0.2.33", 50000, "127.0.0.1", 465), true)) {
            assertThat(c.reply()).startsWith("220 ");
            assertThat(c.command("EHLO laptop.test")).contains("AUTH");
            String plain = Base64.getEncoder().encodeToString("\0alice@example.test\0alice-pw".getBytes(StandardCharsets.UTF_8));
            assertThat(c.command("AUTH PLAIN " + plain)).startsWith("235");
            assertThat(c.command("MAIL FROM:<alice@example.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<bob@example.test>")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            c.send("From: alice@example.test\r\nTo: bob@example.test\r\nSubject: over tls\r\n\r\nhello\r\n.\r\n");
            assertThat(c.reply()).startsWith("250");
        }
        assertThat(receivedOf("over tls")).startsWith("Received: from laptop.test ([192.0.2.33])")
                .contains("with ESMTPSA");
    }

    @Test
    void imapConnectionLimitCountsProxiedClientsOneByOne() throws Exception {
        try (Conn first = new Conn("127.0.0.1", "imap", ProxyHeaders.v1("203.0.113.7", 1000, "127.0.0.1", 143), false);
             Conn other = new Conn("127.0.0.1", "imap", ProxyHeaders.v2("203.0.113.8", 1001, "127.0.0.1", 143), false)) {
            assertThat(first.line()).startsWith("* OK");
            // Both came through the same balancer, yet each is a client of its own.
            assertThat(other.line()).startsWith("* OK");
            try (Conn again = new Conn("127.0.0.1", "imap", ProxyHeaders.v1("203.0.113.7", 1002, "127.0.0.1", 143), false)) {
                assertThat(again.line()).startsWith("* BYE [UNAVAILABLE] too many connections");
            }
            assertThat(first.command("a LOGIN alice@example.test alice-pw")).isNotEmpty();
        }
    }

    @Test
    void imapsReadsTheHeaderBeforeTheHandshake() throws Exception {
        try (Conn c = new Conn("127.0.0.1", "imaps", ProxyHeaders.v2("203.0.113.9", 2000, "127.0.0.1", 993), true)) {
            assertThat(c.line()).startsWith("* OK");
            c.send("a LOGIN alice@example.test alice-pw\r\n");
            assertThat(c.line()).startsWith("a OK");
        }
    }

    @Test
    void pop3ConnectionLimitCountsProxiedClientsOneByOne() throws Exception {
        try (Conn first = new Conn("127.0.0.1", "pop3", ProxyHeaders.v1("203.0.113.7", 1000, "127.0.0.1", 110), false);
             Conn other = new Conn("127.0.0.1", "pop3", ProxyHeaders.v1("203.0.113.8", 1001, "127.0.0.1", 110), false)) {
            assertThat(first.line()).startsWith("+OK");
            assertThat(other.line()).startsWith("+OK");
            try (Conn again = new Conn("127.0.0.1", "pop3", ProxyHeaders.v2("203.0.113.7", 1002, "127.0.0.1", 110), false)) {
                assertThat(again.line()).startsWith("-ERR [SYS/TEMP] too many connections");
            }
        }
    }

    @Test
    void adminLogsTheProxiedClient() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(Dispatcher.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try (Conn c = new Conn("127.0.0.1", "admin", ProxyHeaders.v1("203.0.113.50", 3000, "127.0.0.1", 8080), false)) {
            c.send("GET /api/health HTTP/1.1\r\nHost: admin.test\r\nConnection: close\r\n\r\n");
            assertThat(c.line()).startsWith("HTTP/1.1 401");
        } finally {
            logger.detachAppender(log);
        }
        assertThat(log.list).map(ILoggingEvent::getFormattedMessage)
                .anyMatch(m -> m.contains("GET /api/health") && m.endsWith("from 203.0.113.50: 401"));
    }
}
