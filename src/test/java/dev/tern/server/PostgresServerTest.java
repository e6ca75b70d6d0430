package dev.tern.server;

import dev.tern.store.postgres.PostgresTestDatabase;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.RunningServer;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code tern serve} on {@code [store] metadata = "postgres"}: mail in over SMTP and out over IMAP
 * with a real client, the command line as a second node on the same database, and SMTP's answer
 * while the database is away.
 */
class PostgresServerTest {

    @RegisterExtension
    static final PostgresTestDatabase database = new PostgresTestDatabase();

    @TempDir
    Path dir;
    RunningServer tern;

    private String storeConfig() {
        return """
                [store]
                metadata = "postgres"

                [store.postgres]
                url = "%s"
                user = "%s"
                password_file = "pg-password"
                pool_size = 4

                [imap]
                allow_plaintext_auth = true
                """.formatted(database.url(), database.user());
    }

    @BeforeEach
    void start() throws Exception {
        database.setAvailable(true);
        database.truncateAll();
        Files.writeString(dir.resolve("pg-password"), database.password() + "\n");
        tern = new RunningServer(dir, storeConfig(), "imap = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "alice-pw");
    }

    @AfterEach
    void stop() throws Exception {
        database.setAvailable(true);
        tern.close();
    }

    @Test
    void mailSentOverSmtpIsReadOverImapAndLivesInPostgres() throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(tern.smtpPort()));
        p.put("mail.smtp.localhost", "client.example");
        p.put("mail.smtp.timeout", "20000");
        p.put("mail.imap.host", "127.0.0.1");
        p.put("mail.imap.port", String.valueOf(tern.port("imap")));
        p.put("mail.imap.timeout", "20000");
        Session session = Session.getInstance(p);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("sender@example.org"));
        m.setRecipients(Message.RecipientType.TO, "alice@example.test");
        m.setSubject("Stored in PostgreSQL", "UTF-8");
        m.setText("Grüße aus der Datenbank.\n", "UTF-8");
        Transport.send(m);

        Store imap = session.getStore("imap");
        imap.connect("alice@example.test", "alice-pw");
        try {
            Folder inbox = imap.getFolder("INBOX");
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                inbox.open(Folder.READ_ONLY);
                try {
                    return inbox.getMessageCount() == 1;
                } finally {
                    inbox.close(false);
                }
            });
            inbox.open(Folder.READ_ONLY);
            Message got = inbox.getMessage(1);
            assertThat(got.getSubject()).isEqualTo("Stored in PostgreSQL");
            assertThat(((String) got.getContent()).replace("\r\n", "\n")).isEqualTo("Grüße aus der Datenbank.\n");
            inbox.close(false);
        } finally {
            imap.close();
        }

        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id "
                     + "JOIN accounts a ON a.id = b.account_id WHERE a.address = 'alice@example.test'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
        assertThat(dir.resolve("data").resolve("tern.db")).doesNotExist();
    }

    @Test
    void theCommandLineWorksOnTheSameDatabaseWhileTheServerRuns() throws Exception {
        assertThat(tern("user", "add", "carol@example.test", "--password-stdin")).startsWith("added user carol@example.test");
        assertThat(tern("user", "list")).contains("alice@example.test").contains("carol@example.test");

        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 20_000)) {
            c.reply();
            c.command("EHLO client.example");
            c.command("MAIL FROM:<a@example.org>");
            assertThat(c.command("RCPT TO:<carol@example.test>")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            c.send("Subject: hi carol\r\n\r\nhello\r\n.\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0");
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> tern.inbox("carol@example.test").size() == 1);
        assertThat(tern("mailbox", "list", "carol@example.test")).containsPattern("(?m)^INBOX +1 message\\(s\\) +1 unseen");
    }

    /** Runs the command line with the server's configuration, as a second process would. */
    private String tern(String... args) {
        InProcessCli.Result r = InProcessCli.runStdoutOnly(dir.resolve("tern.toml"), "carol-pw\n", args);
        assertThat(r.code()).as("tern %s: %s", String.join(" ", args), r.out()).isZero();
        return r.out();
    }

    @Test
    void whileTheDatabaseIsAwayMailIsRefusedForNowNeverAccepted() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 60_000)) {
            c.reply();
            c.command("EHLO client.example");
            c.command("MAIL FROM:<a@example.org>");
            assertThat(c.command("RCPT TO:<alice@example.test>")).startsWith("250");
            database.setAvailable(false);
            String data = c.command("DATA");
            String end = data;
            if (data.startsWith("354")) {
                c.send("Subject: during the outage\r\n\r\nhello\r\n.\r\n");
                end = c.reply();
            }
            assertThat(end).as("the answer to the message while the database is away").startsWith("451 4.3.0");

            database.setAvailable(true);
            c.command("RSET");
            c.command("MAIL FROM:<a@example.org>");
            await().atMost(Duration.ofSeconds(30)).until(() -> c.command("RCPT TO:<alice@example.test>").startsWith("250"));
            assertThat(c.command("DATA")).startsWith("354");
            c.send("Subject: after the outage\r\n\r\nhello\r\n.\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0");
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> tern.inbox("alice@example.test").size() == 1);
        assertThat(tern.content(tern.inbox("alice@example.test").get(0))).contains("after the outage");
    }
}
