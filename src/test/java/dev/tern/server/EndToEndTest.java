package dev.tern.server;

import dev.tern.store.Rows;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.RunningServer;
import dev.tern.testing.RawSmtpClient;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The whole path, with a real mail client: SMTP in, queue, local delivery, mailbox out. */
class EndToEndTest {

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() {
        tern = new RunningServer(dir, "postmaster = \"bob@example.test\"\n");
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "a");
        tern.services().directory().addUser("bob@example.test", "b");
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private Session session() {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(tern.smtpPort()));
        p.put("mail.smtp.localhost", "client.example");
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "10000");
        return Session.getInstance(p);
    }

    @Test
    void angusMailSendsAMessageThatLandsInTheInbox() throws Exception {
        MimeMessage m = new MimeMessage(session());
        m.setFrom(new InternetAddress("sender@example.org"));
        m.setRecipients(Message.RecipientType.TO, "alice@example.test, bob+tag@example.test");
        m.setSubject("Grüße from Angus", "UTF-8");
        m.setText("Hello Alice and Bob.\n.leading dot\n", "UTF-8");
        Transport.send(m);

        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("alice@example.test").size() == 1
                && tern.inbox("bob@example.test").size() == 1);
        Rows.Message stored = tern.inbox("alice@example.test").get(0);
        assertThat(stored.uid()).isEqualTo(1);
        String content = tern.content(stored);
        assertThat(content).startsWith("Return-Path: <sender@example.org>\r\nDelivered-To: alice@example.test\r\nReceived: from client.example");
        assertThat(content).contains("by mx.tern.test");

        MimeMessage parsed = new MimeMessage(session(), new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
        assertThat(parsed.getSubject()).isEqualTo("Grüße from Angus");
        assertThat(((String) parsed.getContent()).replace("\r\n", "\n")).isEqualTo("Hello Alice and Bob.\n.leading dot\n");
        assertThat(content.getBytes(StandardCharsets.UTF_8).length).isEqualTo(stored.size());
        await().atMost(Duration.ofSeconds(5)).until(() -> tern.services().queue().list(10).isEmpty());
    }

    @Test
    void unknownUsersAndOtherDomainsAreRefusedAtRcpt() throws Exception {
        Session session = session();
        session.getProperties().put("mail.smtp.sendpartial", "true");
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("sender@example.org"));
        m.setRecipients(Message.RecipientType.TO, "nobody@example.test, someone@elsewhere.test, alice@example.test");
        m.setText("partly deliverable");
        SendFailedException e = org.junit.jupiter.api.Assertions.assertThrows(SendFailedException.class,
                () -> Transport.send(m));
        assertThat(e.getInvalidAddresses()).extracting(Address::toString)
                .containsExactlyInAnyOrder("nobody@example.test", "someone@elsewhere.test");
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("alice@example.test").size() == 1);
    }

    @Test
    void usersAddedWhileRunningReceiveMailAtOnce() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            c.reply();
            c.command("EHLO client.example");
            c.command("MAIL FROM:<a@example.org>");
            assertThat(c.command("RCPT TO:<carol@example.test>")).startsWith("550 5.1.1");
            tern.services().directory().addUser("carol@example.test", "c");
            assertThat(c.command("RCPT TO:<carol@example.test>")).startsWith("250");
            tern.services().directory().addAlias("team@example.test", List.of("carol@example.test", "alice@example.test"));
            assertThat(c.command("RCPT TO:<team@example.test>")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            c.send("Subject: hi\r\n\r\nhello\r\n.\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("carol@example.test").size() == 1
                && tern.inbox("alice@example.test").size() == 1);
    }

    @Test
    void accountsDisabledOrDeletedBetweenRcptAndDataGetNoMail() throws Exception {
        tern.services().directory().addUser("carol@example.test", "c");
        tern.services().directory().addAlias("team@example.test", List.of("alice@example.test", "carol@example.test"));
        String reply;
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            c.reply();
            c.command("EHLO client.example");
            c.command("MAIL FROM:<a@example.org>");
            assertThat(c.command("RCPT TO:<alice+tag@example.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<bob@example.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<team@example.test>")).startsWith("250");
            tern.services().directory().setEnabled("alice@example.test", false);
            tern.services().directory().deleteUser("bob@example.test", tern.services().mailboxes());
            assertThat(c.command("DATA")).startsWith("354");
            c.send("Subject: hi\r\n\r\nhello\r\n.\r\n");
            reply = c.reply();
            assertThat(reply).startsWith("250 2.0.0");
        }
        String id = reply.substring(reply.lastIndexOf(' ') + 1).trim();
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.services().queue().message(id).isEmpty());
        assertThat(tern.inbox("carol@example.test")).hasSize(1);
        assertThat(tern.inbox("alice@example.test")).isEmpty();
    }

    @Test
    void aRecipientGoesWhereItLedWhenItWasAccepted() throws Exception {
        tern.services().directory().addUser("carol@example.test", "c");
        tern.services().directory().addAlias("team@example.test", List.of("alice@example.test"));
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            c.reply();
            c.command("EHLO client.example");
            c.command("MAIL FROM:<a@example.org>");
            assertThat(c.command("RCPT TO:<team@example.test>")).startsWith("250");
            tern.services().directory().deleteAlias("team@example.test", List.of());
            tern.services().directory().addAlias("team@example.test", List.of("carol@example.test"));
            assertThat(c.command("DATA")).startsWith("354");
            c.send("Subject: hi\r\n\r\nhello\r\n.\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0");
        }
        // Resolved at RCPT, checked (not resolved again) when the message is stored: docs/adr/0023.
        assertThat(tern.inbox("alice@example.test")).hasSize(1);
        assertThat(tern.inbox("carol@example.test")).isEmpty();
    }

    @Test
    void barePostmasterIsAccepted() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            c.reply();
            c.command("EHLO client.example");
            c.command("MAIL FROM:<>");
            assertThat(c.command("RCPT TO:<Postmaster>")).startsWith("250");
            assertThat(c.command("RCPT TO:<postmaster@example.test>")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            c.send("Subject: complaint\r\n\r\nbody\r\n.\r\n");
            assertThat(c.reply()).startsWith("250");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("bob@example.test").size() == 1);
    }

    @Test
    void withoutThePostmasterSettingABarePostmasterReachesThePostmasterOfTheHostsDomain() throws Exception {
        Path other = dir.resolve("no-setting");
        java.nio.file.Files.createDirectories(other);
        try (RunningServer plain = new RunningServer(other, "hostname = \"mx.example.test\"\n")) {
            plain.services().directory().addDomain("example.test");
            plain.services().directory().addUser("owner@example.test", "o");
            try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", plain.smtpPort(), 10_000)) {
                c.reply();
                c.command("EHLO client.example");
                c.command("MAIL FROM:<>");
                // Nobody reads postmaster mail yet: unknown here, not someone else's domain.
                assertThat(c.command("RCPT TO:<Postmaster>")).startsWith("550 5.1.1").doesNotContain("Relay");
                plain.services().directory().addAlias("postmaster@example.test", List.of("owner@example.test"));
                assertThat(c.command("RCPT TO:<Postmaster>")).startsWith("250");
                assertThat(c.command("DATA")).startsWith("354");
                c.send("Subject: complaint\r\n\r\nbody\r\n.\r\n");
                assertThat(c.reply()).startsWith("250");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> plain.inbox("owner@example.test").size() == 1);
        }
    }

    @Test
    void aQuotedLocalPartThatNeedsNoQuotesIsTheSameMailbox() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            c.reply();
            c.command("EHLO client.example");
            c.command("MAIL FROM:<\"sender\"@example.org>");
            assertThat(c.command("RCPT TO:<\"alice\"@example.test>")).startsWith("250 2.1.5");
            assertThat(c.command("RCPT TO:<\"alice smith\"@example.test>")).startsWith("550 5.1.1");
            assertThat(c.command("RCPT TO:<\"bob@elsewhere.test\"@example.test>")).startsWith("550 5.1.1");
            assertThat(c.command("DATA")).startsWith("354");
            c.send("Subject: quoted\r\n\r\nbody\r\n.\r\n");
            assertThat(c.reply()).startsWith("250");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("alice@example.test").size() == 1);
        assertThat(tern.content(tern.inbox("alice@example.test").get(0)))
                .startsWith("Return-Path: <sender@example.org>\r\nDelivered-To: alice@example.test\r\n");
    }

    @Test
    void catchAllReceivesMailForUnknownUsers() throws Exception {
        tern.services().directory().setCatchAll("example.test", "bob@example.test");
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            c.reply();
            c.command("EHLO client.example");
            assertThat(c.sendMail("a@example.org", List.of("whoever@example.test"), "Subject: x\r\n\r\nbody\r\n"))
                    .startsWith("250");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("bob@example.test").size() == 1);
        assertThat(tern.content(tern.inbox("bob@example.test").get(0))).contains("for <whoever@example.test>");
    }

    @Test
    void theQueueIdInTheReplyIsTheOneInTheReceivedHeader() throws Exception {
        String reply;
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            c.reply();
            c.command("EHLO client.example");
            reply = c.sendMail("a@example.org", List.of("alice@example.test"), "Subject: x\r\n\r\nbody\r\n");
        }
        String id = reply.substring(reply.lastIndexOf(' ') + 1).trim();
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("alice@example.test").size() == 1);
        assertThat(tern.content(tern.inbox("alice@example.test").get(0))).contains("id " + id);
    }

    @Test
    void theCommandLineChangesARunningServer() throws Exception {
        // Another connection to the same database, as another process would have.
        java.nio.file.Path config = dir.resolve("tern.toml");
        assertThat(InProcessCli.run(config, "pw\n", "user", "add", "dora@example.test", "--password-stdin").code())
                .isZero();
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            c.reply();
            c.command("EHLO client.example");
            assertThat(c.sendMail("a@example.org", List.of("dora@example.test"), "Subject: x\r\n\r\nbody\r\n"))
                    .startsWith("250");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("dora@example.test").size() == 1);
        assertThat(InProcessCli.run(config, null, "user", "delete", "dora@example.test").code()).isZero();
        assertThat(tern.services().directory().user("dora@example.test")).isEmpty();
    }

    @Test
    void dsnParametersAreKeptWithTheQueuedMessage() throws Exception {
        java.util.concurrent.CompletableFuture<List<Object>> seen = new java.util.concurrent.CompletableFuture<>();
        tern.services().queue().addListener((message, recipients) -> seen.complete(List.of(message, recipients)));
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            c.reply();
            c.command("EHLO client.example");
            assertThat(c.command("MAIL FROM:<a@example.org> RET=HDRS ENVID=QQ314159 BODY=8BITMIME")).startsWith("250");
            assertThat(c.command("RCPT TO:<alice@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;alice@example.test"))
                    .startsWith("250");
            assertThat(c.command("RCPT TO:<bob@example.test> NOTIFY=DELAY,SUCCESS")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            c.send("Subject: dsn\r\n\r\nbody\r\n.\r\n");
            assertThat(c.reply()).startsWith("250");
        }
        List<Object> rows = seen.get(10, java.util.concurrent.TimeUnit.SECONDS);
        Rows.QueuedMessage message = (Rows.QueuedMessage) rows.get(0);
        @SuppressWarnings("unchecked")
        List<Rows.QueueRecipient> recipients = (List<Rows.QueueRecipient>) rows.get(1);
        assertThat(message.dsnRet()).isEqualTo("HDRS");
        assertThat(message.dsnEnvId()).isEqualTo("QQ314159");
        assertThat(message.bodyType()).isEqualTo("8BITMIME");
        assertThat(recipients).extracting(Rows.QueueRecipient::dsnNotify).containsExactly("FAILURE,SUCCESS", "DELAY,SUCCESS");
        assertThat(recipients.get(0).dsnOrcpt()).isEqualTo("rfc822;alice@example.test");
    }

    @Test
    void vrfyAnswersOnlyWhenSwitchedOn() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            c.reply();
            assertThat(c.command("VRFY alice@example.test")).startsWith("252 2.5.0");
        }
        Path other = dir.resolve("vrfy");
        java.nio.file.Files.createDirectories(other);
        try (RunningServer open = new RunningServer(other, "[smtp]\nvrfy = true\n")) {
            open.services().directory().addDomain("example.test");
            open.services().directory().addUser("alice@example.test", "a");
            try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", open.smtpPort(), 10_000)) {
                c.reply();
                assertThat(c.command("VRFY <alice@example.test>")).isEqualTo("250 2.1.5 <alice@example.test>");
                assertThat(c.command("VRFY nobody@example.test")).startsWith("550 5.1.1");
                assertThat(c.command("VRFY alice")).startsWith("252 2.5.0");
            }
        }
    }

    @Test
    void aSecondServerOnTheSameDataDirectoryIsRefused() {
        assertThatThrownBy(() -> new RunningServer(dir, "")).hasMessageContaining("already running");
    }
}
