package dev.tern.smtp.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static dev.tern.smtp.server.CommandMutations.utf8;
import static dev.tern.smtp.server.HostileInputServer.ALICE;
import static dev.tern.smtp.server.HostileInputServer.MAX_AUTH_LINE;
import static dev.tern.smtp.server.HostileInputServer.MAX_ERRORS;
import static dev.tern.smtp.server.HostileInputServer.MAX_LINE;
import static dev.tern.smtp.server.HostileInputServer.PASSWORD;
import static dev.tern.smtp.server.HostileInputServer.inStep;
import static dev.tern.smtp.server.HostileInputServer.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile sequences written out on purpose, against a whole server started in-process on loopback
 * ({@link HostileInputServer}): commands out of order, DATA with bare line endings and end-of-data
 * look-alikes, BDAT chunks of the wrong size, overlong lines, NULs and invalid UTF-8, errors up to
 * the limit, STARTTLS with input pipelined behind it, AUTH with bad responses and cancels, LMTP's
 * own rules. Each reply is checked as {@link SmtpWire} checks them (well-formed, enhanced status
 * code, nothing of the server's insides) and for the code it must have; the session must stay in
 * step, and mail must still be delivered afterwards.
 */
class SmtpOddSequencesTest {

    @TempDir
    static Path dir;
    static HostileInputServer server;

    @BeforeAll
    static void start() {
        server = new HostileInputServer(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static SmtpWire.Reply ehlo(SmtpWire w) throws IOException {
        return HostileInputServer.hello(w, false);
    }

    /** Every command out of its order, pipelined in one go (chunks included): a sequence error each. */
    @Test
    void commandsOutOfOrder() throws Exception {
        try (SmtpWire w = server.connect("smtp")) {
            w.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\nBDAT 3\r\nabc"
                    + "AUTH PLAIN\r\nEHLO client.example.test\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n"
                    + "BDAT 4 LAST\r\nabcdMAIL FROM:<a@example.org>\r\nMAIL FROM:<a@example.org>\r\nDATA\r\n"
                    + "BDAT 2\r\nabRCPT TO:<alice@example.test>\r\nSTARTTLS\r\nAUTH PLAIN\r\nBDAT 3\r\nabc"
                    + "DATA\r\nRCPT TO:<bob@example.test>\r\nMAIL FROM:<a@example.org>\r\nRSET\r\nNOOP\r\n");
            for (int i = 0; i < 5; i++) {
                assertThat(w.expect(503).text()).startsWith("5.5.1");
            }
            w.expectGreeting(250);
            w.expect(503);   // RCPT: need MAIL
            w.expect(503);   // DATA: need MAIL
            w.expect(503);   // BDAT: need MAIL, its chunk read and dropped
            w.expect(250);
            w.expect(503);   // nested MAIL
            w.expect(554);   // DATA: no valid recipients
            w.expect(554);   // BDAT: the same
            w.expect(250);
            w.expect(503);   // STARTTLS within a transaction
            w.expect(503);   // AUTH within a transaction
            assertThat(w.expect(250).text()).isEqualTo("2.0.0 3 octets received");
            w.expect(503);   // DATA after BDAT
            w.expect(503);   // RCPT after BDAT
            w.expect(503);   // nested MAIL
            w.expect(250);   // RSET
            w.expect(250);   // NOOP
        }
        server.stillDelivers("smtp");
    }

    /**
     * DATA with bare CR and LF, with end-of-data look-alikes that carry commands (SMTP smuggling),
     * and with dot lines: the look-alikes are content, the message is refused, the session goes on
     * in step; dot-stuffed lines come out with one dot less.
     */
    @Test
    void dataWithBareLineEndingsAndDotLines() throws Exception {
        try (SmtpWire w = server.connect("smtp")) {
            ehlo(w);
            for (String body : List.of("line\nsecond\rthird\r\n",
                    "hello\r\n.\nMAIL FROM:<evil@example.org>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nevil\r\n",
                    "hello\n.\r\nRSET\r\n", "hello\r.\r\nRSET\r\n", "hello\r\n.\rQUIT\r\n")) {
                transaction(w, "alice@example.test");
                w.send("DATA\r\n");
                w.expect(354);
                w.send("Subject: smuggling\r\n\r\n" + body + ".\r\n");
                assertThat(w.expect(554).text()).startsWith("5.5.2 Bare LF or bare CR");
                inStep(w);
            }
            transaction(w, "alice@example.test");
            w.send("DATA\r\n");
            w.expect(354);
            w.send("Subject: dots\r\n\r\n..leading dot\r\n...\r\n..\r\nlast\r\n.\r\n");
            w.expect(250);
            inStep(w);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.delivered("Subject: dots"));
        String dots = server.tern().inbox(ALICE).stream().map(server.tern()::content).filter(c -> c.contains("Subject: dots"))
                .findFirst().orElseThrow();
        assertThat(dots).endsWith("Subject: dots\r\n\r\n.leading dot\r\n..\r\n.\r\nlast\r\n");
        assertThat(server.delivered("evil")).as("smuggled message").isFalse();
    }

    /** BDAT chunks shorter or longer than announced, refused ones, and sizes no number can hold. */
    @Test
    void bdatWithWrongSizes() throws Exception {
        try (SmtpWire w = server.connect("smtp")) {
            ehlo(w);
            // Fewer octets than announced: the next command line fills the chunk.
            transaction(w, "alice@example.test");
            w.send("BDAT 10 LAST\r\nshort");
            w.send("NOOP\r\n");
            assertThat(w.expect(554).text()).startsWith("5.5.2 Bare LF or bare CR");   // "shortNOOP\r"
            assertThat(w.expect(500).text()).startsWith("5.5.2 Error: bare LF");        // the "\n" left over
            inStep(w);
            // More octets than announced: the rest is a command line.
            transaction(w, "alice@example.test");
            w.send("BDAT 3\r\nabcdef\r\n");
            w.expect(250);
            w.expect(500);
            w.send("BDAT 0 LAST\r\n");
            w.expect(250);
            inStep(w);
            // A refused chunk is read and dropped, never taken for commands.
            w.send("RSET\r\nBDAT 5 LAST\r\nQUIT\r\n");
            w.expect(250);
            w.expect(503);
            w.expect(500);   // the "\n" after the five octets
            inStep(w);
            // Sizes no number can hold are syntax errors; what follows is read as commands.
            transaction(w, "alice@example.test");
            for (String size : List.of("99999999999999999999", "1e30", "-1", "9223372036854775807", "")) {
                w.send("BDAT " + size + " LAST\r\n");
                w.expect(501);
            }
            inStep(w);
            // A chunk over the size limit is read to its end, then the message refused.
            w.send("BDAT 70000 LAST\r\n");
            w.send(("x".repeat(68) + "\r\n").repeat(1000).getBytes(StandardCharsets.US_ASCII));
            assertThat(w.expect(552).text()).startsWith("5.3.4");
            inStep(w);
        }
        server.stillDelivers("smtp");
    }

    /** Lines over the limit (commands and AUTH), NULs, invalid UTF-8; and the line at the limit. */
    @Test
    void oversizeLinesNulsAndInvalidUtf8() throws Exception {
        try (SmtpWire w = server.connect("smtp")) {
            ehlo(w);
            w.send("NOOP " + "x".repeat(MAX_LINE - 7) + "\r\n");
            w.expect(250);
            w.send("NOOP " + "x".repeat(MAX_LINE - 6) + "\r\n");
            w.expect(500);
            w.send("X".repeat(50_000) + "\r\n");
            w.expect(500);
            w.send("MAIL FROM:<" + "a".repeat(MAX_LINE) + "@example.org>\r\n");
            w.expect(500);
            w.send("AUTH PLAIN " + "A".repeat(MAX_AUTH_LINE) + "\r\n");
            w.expect(500);
            inStep(w);
            w.send("NO\0OP\r\nNOOP\0\r\n\0\r\n");
            w.expect(500);
            w.expect(500);
            w.expect(500);
            w.send(new byte[]{'M', 'A', 'I', 'L', ' ', 'F', 'R', 'O', 'M', ':', '<', (byte) 0xC3, '(', '@', 'b', '.', 't', 'e',
                    's', 't', '>', '\r', '\n', (byte) 0xFF, (byte) 0xFE, '\r', '\n', (byte) 0xED, (byte) 0xA0, (byte) 0x80,
                    '\r', '\n'});
            w.expect(500);
            w.expect(500);
            w.expect(500);
            inStep(w);
        }
    }

    /** Errors up to max_errors, pipelined: each answered, then 421 and the end; nothing after it. */
    @Test
    void tooManyErrorsEndTheSessionWith421() throws Exception {
        try (SmtpWire w = server.connect("smtp")) {
            ehlo(w);
            w.send("BOGUS\r\n".repeat(MAX_ERRORS + 5) + "NOOP\r\n");
            for (int i = 0; i < MAX_ERRORS; i++) {
                w.expect(500);
            }
            assertThat(w.expect(421).text()).startsWith("4.7.0 ");
            assertThat(w.closedByServer()).isTrue();
        }
        try (SmtpWire w = server.connect("smtp")) {
            ehlo(w);
            inStep(w);
        }
    }

    /**
     * STARTTLS with commands pipelined after it: they are dropped unread (CVE-2011-0411), and the
     * session starts afresh over TLS. QUIT with a command after it: the session ends at QUIT.
     */
    @Test
    void startTlsWithPipelinedGarbage() throws Exception {
        try (SmtpWire w = server.connect("smtp")) {
            ehlo(w);
            w.send("STARTTLS\r\nMAIL FROM:<evil@example.org>\r\nRCPT TO:<bob@example.test>\r\nGARBAGE\0\r\n");
            w.expect(220);
            w.startTls(server.tlsClient());
            w.send("MAIL FROM:<a@example.org>\r\n");
            w.expect(503);   // HELO/EHLO first: nothing of the plaintext was kept
            SmtpWire.Reply ehlo = ehlo(w);
            assertThat(ehlo.lines()).doesNotContain("STARTTLS").contains("REQUIRETLS");
            w.send("STARTTLS\r\n");
            w.expect(503);   // TLS already active
            transaction(w, "alice@example.test");
            inStep(w);
            w.send("QUIT\r\nNOOP\r\n");
            w.expect(221);
            assertThat(w.closedByServer()).isTrue();
        }
    }

    /** STARTTLS, then plaintext commands where the handshake should be: the connection ends, no reply. */
    @Test
    void startTlsFollowedByPlaintext() throws Exception {
        try (SmtpWire w = server.connect("smtp")) {
            ehlo(w);
            w.send("STARTTLS\r\n");
            w.expect(220);
            w.send("NOOP\r\nMAIL FROM:<a@example.org>\r\n");
            assertThat(w.drainUntilClosed(4096)).doesNotContain("250");
        }
        try (SmtpWire w = server.connect("smtp")) {
            ehlo(w);
            inStep(w);
        }
    }

    /** AUTH with bad base64, cancels, overlong and bare-LF responses, unknown mechanisms, pipelined responses. */
    @Test
    void authWithBadInputAndCancels() throws Exception {
        String good = HostileInputServer.plain(PASSWORD);
        String wrong = HostileInputServer.plain("wrong");
        try (SmtpWire w = server.connect("submission")) {
            w.send("STARTTLS\r\n");
            w.expect(220);
            w.startTls(server.tlsClient());
            ehlo(w);
            w.send("MAIL FROM:<alice@example.test>\r\n");
            assertThat(w.expect(530).text()).startsWith("5.7.0");
            w.send("AUTH PLAIN !!!!\r\n");
            assertThat(w.expect(501).text()).startsWith("5.5.2");
            w.send("AUTH PLAIN\r\n");
            w.expect(334);
            w.send("*\r\n");
            assertThat(w.expect(501).text()).startsWith("5.0.0");
            w.send("AUTH LOGIN\r\n");
            w.expect(334);
            w.send("%%%%\r\n");
            assertThat(w.expect(501).text()).startsWith("5.5.2");
            w.send("AUTH LOGIN\r\n");
            w.expect(334);
            w.send(Base64.getEncoder().encodeToString(utf8(ALICE)) + "\r\n");
            w.expect(334);
            w.send("*\r\n");
            w.expect(501);
            w.send("AUTH PLAIN\r\n");
            w.expect(334);
            w.send("A".repeat(MAX_AUTH_LINE) + "\r\n");
            assertThat(w.expect(500).text()).startsWith("5.5.6");
            w.send("AUTH PLAIN\r\n");
            w.expect(334);
            w.send("AGFsaWNl\n");
            w.expect(500);
            w.send("AUTH PLAIN =\r\n");
            w.expect(501);
            w.send("AUTH NOPE\r\nAUTH PLAIN a b\r\nAUTH PLAIN " + wrong + "\r\n");
            assertThat(w.expect(504).text()).startsWith("5.5.4");
            w.expect(501);
            assertThat(w.expect(535).text()).startsWith("5.7.8");
            w.send("AUTH PLAIN\r\n*\r\nNOOP\r\n");   // a response pipelined behind AUTH
            w.expect(334);
            w.expect(501);
            w.expect(250);
            w.send("AUTH PLAIN " + good + "\r\n");
            w.expect(235);
            w.send("AUTH PLAIN " + good + "\r\n");
            w.expect(503);
            inStep(w);
        }
        server.stillDelivers("submission");
    }

    /** LMTP: HELO and EHLO refused, LHLO first, and one reply for each recipient after the content. */
    @Test
    void lmtpOddSequences() throws Exception {
        try (SmtpWire w = server.connect("lmtp")) {
            w.send("EHLO client.example.test\r\nHELO client.example.test\r\nMAIL FROM:<>\r\n");
            w.expectGreeting(500);
            w.expectGreeting(500);
            w.expect(503);
            w.send("LHLO client.example.test\r\n");
            w.expectGreeting(250);
            w.send("STARTTLS\r\nAUTH PLAIN\r\n");
            w.expect(502);
            w.expect(502);
            w.send("MAIL FROM:<sender@example.org>\r\nRCPT TO:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\n"
                    + "RCPT TO:<nobody@example.test>\r\nDATA\r\n");
            w.expect(250);
            w.expect(250);
            w.expect(250);
            w.expect(550);
            w.expect(354);
            w.send("Subject: bare\r\n\r\nbare\nLF\r\n.\r\n");
            w.expect(554);
            w.expect(554);
            inStep(w);
            String chunk = "Subject: chunk\r\n\r\nhi\r\n";
            w.send("MAIL FROM:<sender@example.org>\r\nRCPT TO:<alice@example.test>\r\nRCPT TO:<alice@example.test>\r\n"
                    + "BDAT " + chunk.length() + " LAST\r\n" + chunk);
            w.expect(250);
            w.expect(250);
            w.expect(250);
            w.expect(250);
            w.expect(250);
            inStep(w);
        }
        server.stillDelivers("lmtp");
    }
}
