package dev.tern.smtp.server;

import dev.tern.directory.Account;
import dev.tern.store.Rows;
import dev.tern.testing.FakeSaslAuthenticator;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestCertificates;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/**
 * The whole server the hostile-input tests talk to, started in-process on loopback: the smtp,
 * submission (STARTTLS, AUTH over a fake authenticator) and lmtp listeners, domain example.test
 * with alice (who may log in), bob and carol (the postmaster), small limits that input can reach
 * (64KB messages, {@link #MAX_ERRORS} errors), no junk-command limit (the tests check each input
 * with a NOOP), and VRFY that looks addresses up. Plus the steps every such test takes.
 */
final class HostileInputServer implements AutoCloseable {

    static final String ALICE = "alice@example.test";
    static final String PASSWORD = "correct horse";
    static final int MAX_ERRORS = 20;
    /** [smtp] max_line_length's default, and RFC 4954's bound for an AUTH line, CRLF included. */
    static final int MAX_LINE = 4096;
    static final int MAX_AUTH_LINE = 12290;
    static final int TIMEOUT_MILLIS = 10_000;

    private final Path dir;
    private final RunningServer tern;
    private final SSLContext tlsClient;
    private final AtomicInteger transactionsAfter = new AtomicInteger();

    HostileInputServer(Path dir) {
        this.dir = dir;
        TestCertificates.Issued issued = TestCertificates.ec().write(dir.resolve("cert.pem"), dir.resolve("key.pem"), true);
        tlsClient = issued.trustingClient();
        FakeSaslAuthenticator sasl = new FakeSaslAuthenticator(Map.of(ALICE, PASSWORD), false, Duration.ofMillis(1));
        tern = new RunningServer(dir, """
                postmaster = "carol@example.test"
                [tls]
                cert = "cert.pem"
                key = "key.pem"
                [smtp]
                max_message_size = "64KB"
                max_errors = %d
                max_junk_commands = 1000000
                vrfy = true
                [lmtp]
                allow_from = ["127.0.0.1"]
                """.formatted(MAX_ERRORS), """
                submission = ["127.0.0.1:0"]
                lmtp = ["127.0.0.1:0"]
                """, services -> sasl);
        tern.services().directory().addDomain("example.test");
        for (String user : List.of(ALICE, "bob@example.test", "carol@example.test")) {
            tern.services().directory().addUser(user, user.equals(ALICE) ? PASSWORD : "pw");
        }
    }

    RunningServer tern() {
        return tern;
    }

    SSLContext tlsClient() {
        return tlsClient;
    }

    /** A connection to a listener, its greeting read. */
    SmtpWire connect(String listener) throws IOException {
        SmtpWire w = new SmtpWire(tern.port(listener), TIMEOUT_MILLIS, dir.toString());
        w.expectGreeting(220);
        return w;
    }

    /**
     * A connection ready for a transaction: greeted with EHLO (LHLO on lmtp); on submission over
     * TLS, and logged in as alice when {@code login}.
     */
    SmtpWire session(String listener, boolean login) throws IOException {
        SmtpWire w = connect(listener);
        if (listener.equals("submission")) {
            w.send("STARTTLS\r\n");
            w.expect(220);
            w.startTls(tlsClient);
        }
        hello(w, listener.equals("lmtp"));
        if (listener.equals("submission") && login) {
            login(w);
        }
        return w;
    }

    /** EHLO, or LHLO; the reply must announce ENHANCEDSTATUSCODES. */
    static SmtpWire.Reply hello(SmtpWire w, boolean lmtp) throws IOException {
        w.send((lmtp ? "LHLO" : "EHLO") + " client.example.test\r\n");
        SmtpWire.Reply r = w.expectGreeting(250);
        w.check(r.lines().contains("ENHANCEDSTATUSCODES"), "ENHANCEDSTATUSCODES not announced");
        return r;
    }

    static void login(SmtpWire w) throws IOException {
        w.send("AUTH PLAIN " + plain(PASSWORD) + "\r\n");
        w.expect(235);
    }

    /** alice's PLAIN response (RFC 4616) with the given password, in base64. */
    static String plain(String password) {
        return Base64.getEncoder().encodeToString(("\0" + ALICE + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** MAIL and RCPT, accepted. */
    static void transaction(SmtpWire w, String recipient) throws IOException {
        w.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<" + recipient + ">\r\n");
        w.expect(250);
        w.expect(250);
    }

    /** The session answers, and in step: NOOP gets 250, then HELP its 214. */
    static void inStep(SmtpWire w) throws IOException {
        w.send("NOOP\r\nHELP\r\n");
        w.expect(250);
        w.expect(214);
    }

    /** Whether a message holding {@code text} is in a mailbox of alice, bob or carol. */
    boolean delivered(String text) {
        for (String user : List.of(ALICE, "bob@example.test", "carol@example.test")) {
            Account a = tern.services().directory().user(user).orElseThrow();
            for (Rows.Mailbox box : tern.services().mailboxes().mailboxes(a.id())) {
                for (Rows.Message m : tern.services().mailboxes().messages(box.id())) {
                    if (tern.content(m).contains(text)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Every message acknowledged with 250 reached a mailbox or waits in the queue. */
    void nothingLost(Iterable<String> queueIds) {
        for (String id : queueIds) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !tern.services().queue().recipients(id).isEmpty()
                    || delivered("id " + id));
        }
    }

    /** A plain transaction on a fresh connection is accepted, and the message reaches bob's inbox. */
    void stillDelivers(String listener) throws IOException {
        String subject = "after the hostile input on " + listener + ", " + transactionsAfter.incrementAndGet();
        try (SmtpWire w = session(listener, true)) {
            w.context("a plain transaction after the hostile input");
            w.send("MAIL FROM:<" + (listener.equals("submission") ? ALICE : "sender@example.org") + ">\r\n");
            w.expect(250);
            w.send("RCPT TO:<bob@example.test>\r\n");
            w.expect(250);
            w.send("DATA\r\n");
            w.expect(354);
            w.send("Subject: " + subject + "\r\n\r\nStill here.\r\n.\r\n");
            w.expect(250);
            w.send("QUIT\r\n");
            w.expect(221);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("bob@example.test").stream()
                .anyMatch(m -> tern.content(m).contains("Subject: " + subject)));
    }

    @Override
    public void close() {
        tern.close();
    }
}
