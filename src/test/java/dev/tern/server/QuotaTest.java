package dev.tern.server;

import dev.tern.directory.Account;
import dev.tern.store.Rows;
import dev.tern.testing.RawImapClient;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.tern.testing.RawImapClient.last;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Account quotas: a full account's address is refused at RCPT with 452 4.2.2, a message that would
 * not fit is deferred at delivery (and bounces when the retries run out) while the message's other
 * recipients get it, and IMAP APPEND or COPY past the quota is NO [OVERQUOTA] (a MOVE takes no room).
 */
class QuotaTest {

    static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() {
        tern = new RunningServer(dir, "[delivery]\nretry_first = \"1s\"\nretry_max = \"1s\"\nmax_lifetime = \"4s\"\n",
                "imaps = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "alice pw");
        tern.services().directory().addUser("bob@example.test", "bob pw");
        tern.services().directory().addUser("carol@example.test", "carol pw");
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private long usage(String address) {
        Account a = tern.services().directory().user(address).orElseThrow();
        return tern.services().mailboxes().usage(a.id());
    }

    private String send(String from, List<String> to, String content) throws Exception {
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.test"), "250");
            return c.sendMail(from, to, content);
        }
    }

    @Test
    void anAccountNearlyFullGetsAWarningInItsInboxOnce() throws Exception {
        tern.services().directory().setQuota("bob@example.test", 20_000L);
        tern.server().quotaWarnings().readAccountsWithQuota();   // at once rather than within a minute
        String big = "Subject: big\r\n\r\n" + ("y".repeat(998) + "\r\n").repeat(18);
        assertThat(send("carol@example.test", List.of("bob@example.test"), big)).startsWith("250");
        await().atMost(WAIT).until(() -> tern.inbox("bob@example.test").size() == 2);
        Rows.Message warning = tern.inbox("bob@example.test").get(1);
        try (java.io.InputStream in = tern.services().mailboxes().open(warning)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .contains("Subject: Your mailbox is 90% full", "Your mailbox bob@example.test holds ");
        }
        assertThat(send("carol@example.test", List.of("bob@example.test"), "Subject: small\r\n\r\nhi\r\n"))
                .startsWith("250");
        await().atMost(WAIT).until(() -> tern.inbox("bob@example.test").size() == 3);
        Thread.sleep(500);   // a second warning would come this soon after the delivery
        assertThat(tern.inbox("bob@example.test")).as("no second warning at the same level").hasSize(3);
    }

    @Test
    void aFullAccountIsRefusedAtRcptWithATemporaryCode() throws Exception {
        assertThat(send("carol@example.test", List.of("alice@example.test"), "Subject: one\r\n\r\nhello\r\n"))
                .startsWith("250");
        await().atMost(WAIT).until(() -> tern.inbox("alice@example.test").size() == 1);
        long used = usage("alice@example.test");
        assertThat(used).isPositive();
        tern.services().directory().setQuota("alice@example.test", used);
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.test"), "250");
            RawSmtpClient.expect(c.command("MAIL FROM:<carol@example.test>"), "250");
            assertThat(c.command("RCPT TO:<Alice@example.test>"))
                    .isEqualTo("452 4.2.2 <Alice@example.test>: Mailbox full");
            RawSmtpClient.expect(c.command("RCPT TO:<bob@example.test>"), "250");
        }
        tern.services().directory().setQuota("alice@example.test", used + 10_000);
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.test"), "250");
            RawSmtpClient.expect(c.command("MAIL FROM:<carol@example.test>"), "250");
            RawSmtpClient.expect(c.command("RCPT TO:<alice@example.test>"), "250");
        }
    }

    private String rcpt(String address) throws Exception {
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.test"), "250");
            RawSmtpClient.expect(c.command("MAIL FROM:<carol@example.test>"), "250");
            return c.command("RCPT TO:<" + address + ">");
        }
    }

    /**
     * RCPT keeps what a quota'd account holds in memory between its mailboxes' changes: a delivery
     * that fills it, and an expunge that makes room, are seen by the very next RCPT.
     */
    @Test
    void theNextRcptSeesTheDeliveryThatFilledAnAccountAndTheExpungeThatMadeRoom() throws Exception {
        tern.services().directory().setQuota("alice@example.test", 1_000_000L);
        assertThat(rcpt("alice@example.test")).startsWith("250");   // its usage, 0, is now known
        assertThat(send("carol@example.test", List.of("alice@example.test"), "Subject: one\r\n\r\nhello\r\n"))
                .startsWith("250");
        long used = usage("alice@example.test");
        assertThat(used).isPositive();
        // Lowering the quota to exactly what it holds leaves the usage as RCPT last knew it.
        tern.services().directory().setQuota("alice@example.test", used);
        assertThat(rcpt("alice@example.test")).isEqualTo("452 4.2.2 <alice@example.test>: Mailbox full");
        assertThat(rcpt("alice@example.test")).isEqualTo("452 4.2.2 <alice@example.test>: Mailbox full");

        Account alice = tern.services().directory().user("alice@example.test").orElseThrow();
        long inbox = tern.services().mailboxes().mailbox(alice.id(), "INBOX").orElseThrow().id();
        tern.services().mailboxes().messageService().remove(inbox, List.of(1L));
        assertThat(rcpt("alice@example.test")).startsWith("250");
    }

    @Test
    void aMessageThatWouldNotFitIsDeferredThenBouncedWhileTheOtherRecipientGetsIt() throws Exception {
        tern.services().directory().setQuota("alice@example.test", 1000L);
        String big = "Subject: big\r\n\r\n" + ("x".repeat(70) + "\r\n").repeat(40);
        String reply = send("carol@example.test", List.of("alice@example.test", "bob@example.test"), big);
        assertThat(reply).startsWith("250");
        String id = reply.substring(reply.lastIndexOf(' ') + 1).trim();
        await().atMost(WAIT).until(() -> tern.inbox("bob@example.test").size() == 1);
        await().atMost(WAIT).until(() -> tern.services().queue().recipients(id).stream()
                .anyMatch(r -> r.state().equals("deferred")));
        Rows.QueueRecipient alice = tern.services().queue().recipients(id).stream()
                .filter(r -> r.address().equals("alice@example.test")).findFirst().orElseThrow();
        assertThat(alice.lastError()).startsWith("4.2.2");
        assertThat(tern.inbox("alice@example.test")).isEmpty();

        // the retries run out: the sender gets a failure report about alice alone
        await().atMost(WAIT).until(() -> tern.services().queue().message(id).isEmpty());
        await().atMost(WAIT).until(() -> tern.inbox("carol@example.test").size() == 1);
        String report = tern.content(tern.inbox("carol@example.test").get(0));
        assertThat(report).contains("alice@example.test").doesNotContain("Final-Recipient: rfc822; bob@example.test");
        assertThat(tern.inbox("alice@example.test")).isEmpty();
        assertThat(tern.inbox("bob@example.test")).hasSize(1);
    }

    @Test
    void appendPastTheQuotaIsOverquota() throws Exception {
        try (RawImapClient c = new RawImapClient(tern.port("imaps"))) {
            SSLSocket tls = (SSLSocket) TestCertificates.trusting(tern.server().tls().certificate()).getSocketFactory()
                    .createSocket(c.socket(), "127.0.0.1", tern.port("imaps"), true);
            tls.startHandshake();
            c.replaceSocket(tls);
            assertThat(c.readLine()).startsWith("* OK");
            assertThat(last(c.command("l1", "LOGIN alice@example.test \"alice pw\""))).startsWith("l1 OK");
            tern.services().directory().setQuota("alice@example.test", 100L);
            String small = "Subject: s\r\n\r\nok\r\n";
            assertThat(last(c.command("a1", "APPEND INBOX {" + small.length() + "+}\r\n" + small)))
                    .startsWith("a1 OK");
            String big = "Subject: b\r\n\r\n" + "y".repeat(200) + "\r\n";
            assertThat(last(c.command("a2", "APPEND INBOX {" + big.length() + "+}\r\n" + big)))
                    .startsWith("a2 NO [OVERQUOTA]");
            assertThat(usage("alice@example.test")).isEqualTo(small.length());
            // A synchronizing literal the quota has no room for is refused before the client sends it.
            c.sendBytes(("a4 APPEND INBOX {" + big.length() + "}\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(c.readLine()).startsWith("a4 NO [OVERQUOTA]");
            assertThat(last(c.command("n1", "NOOP"))).startsWith("n1 OK");
            // One that fits gets its continuation request.
            String fits = "Subject: f\r\n\r\nok\r\n";
            c.sendBytes(("a5 APPEND INBOX {" + fits.length() + "}\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(c.readLine()).startsWith("+ ");
            c.send(fits);
            assertThat(last(c.until("a5"))).startsWith("a5 OK");
            assertThat(usage("alice@example.test")).isEqualTo(small.length() + fits.length());
            assertThat(last(c.command("s1", "SELECT INBOX"))).startsWith("s1 OK");
            assertThat(last(c.command("c1", "COPY 1 Archive"))).startsWith("c1 OK");   // 18 more bytes fit
            tern.services().directory().setQuota("alice@example.test", (long) 2 * small.length() + fits.length() + 10);
            assertThat(last(c.command("c2", "COPY 1 Archive"))).startsWith("c2 NO [OVERQUOTA]");
            assertThat(last(c.command("m1", "MOVE 1 Archive"))).startsWith("m1 OK");   // a move takes no more room
            assertThat(usage("alice@example.test")).isEqualTo(2L * small.length() + fits.length());
            tern.services().directory().setQuota("alice@example.test", null);
            assertThat(last(c.command("a3", "APPEND INBOX {" + big.length() + "+}\r\n" + big)))
                    .startsWith("a3 OK");
        }
    }
}
