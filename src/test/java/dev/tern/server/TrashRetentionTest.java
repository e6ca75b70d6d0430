package dev.tern.server;

import dev.tern.config.RetentionSettings;
import dev.tern.mailbox.MailboxRetention;
import dev.tern.testing.RawImapClient;
import dev.tern.testing.RunningServer;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Trash emptied of old messages as a mail client sees it (Angus Mail over IMAP): a message from two
 * years ago moved to Trash today stays there for the whole period, then goes, and a client that has
 * Trash open is told of the expunge at its next command.
 */
class TrashRetentionTest {

    @TempDir
    Path dir;
    RunningServer tern;
    Store store;

    @AfterEach
    void stop() throws Exception {
        if (store != null) {
            store.close();
        }
        if (tern != null) {
            tern.close();
        }
    }

    @Test
    void aMessageMovedToTrashTodayStaysItsPeriodThenGoesAndAnOpenClientIsTold() throws Exception {
        tern = new RunningServer(dir, "[imap]\nallow_plaintext_auth = true\n", "imap = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "alice pw");
        Properties p = new Properties();
        p.put("mail.imap.connectiontimeout", "10000");
        p.put("mail.imap.timeout", "20000");
        Session session = Session.getInstance(p);
        store = session.getStore("imap");
        store.connect("127.0.0.1", tern.port("imap"), "alice@example.test", "alice pw");

        MimeMessage old = new MimeMessage(session);
        old.setFrom(new InternetAddress("bob@example.org"));
        old.setSubject("from long ago");
        old.setText("kept two years");
        old.setSentDate(Date.from(Instant.now().minus(Duration.ofDays(730))));
        IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        inbox.appendMessages(new Message[]{old});
        inbox.moveMessages(new Message[]{inbox.getMessage(1)}, store.getFolder("Trash"));

        IMAPFolder trash = (IMAPFolder) store.getFolder("Trash");
        trash.open(Folder.READ_ONLY);
        assertThat(trash.getMessageCount()).isEqualTo(1);
        assertThat(trash.getMessage(1).getReceivedDate()).as("its internal date, kept by the move")
                .isBefore(Date.from(Instant.now().minus(Duration.ofDays(700))));
        trash.close(false);
        inbox.close(false);

        try (RawImapClient open = RawImapClient.loggedIn(tern.port("imap"), "alice@example.test", "\"alice pw\"")) {
            assertThat(open.command("s1", "SELECT Trash")).contains("* 1 EXISTS");
            RetentionSettings thirtyDays = new RetentionSettings(Duration.ofDays(30), Duration.ofDays(30));
            assertThat(sweepAt(thirtyDays, Instant.now().plus(Duration.ofDays(29)))).isZero();
            assertThat(open.command("n1", "NOOP")).containsExactly("n1 OK NOOP completed");
            assertThat(sweepAt(thirtyDays, Instant.now().plus(Duration.ofDays(31)))).isEqualTo(1);
            assertThat(open.command("n2", "NOOP")).as("the client with Trash open is told")
                    .containsExactly("* 1 EXPUNGE", "n2 OK NOOP completed");
        }
        trash.open(Folder.READ_ONLY);
        assertThat(trash.getMessageCount()).isZero();
        assertThat(tern.server().emptyTrashAndJunk()).as("the server's own sweep, at today's date").isZero();
    }

    /** The sweep the server runs every hour, as it would run on that day. */
    private int sweepAt(RetentionSettings settings, Instant now) {
        return new MailboxRetention(tern.services().metadata(), tern.services().mailboxes().messageService(), settings,
                Clock.fixed(now, ZoneOffset.UTC)).sweep();
    }
}
