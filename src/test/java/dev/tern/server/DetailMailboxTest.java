package dev.tern.server;

import dev.tern.store.Rows;
import dev.tern.testing.RunningServer;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code [delivery] save_to_detail_mailbox}: mail for {@code alice+receipts@} files into alice's
 * "Receipts", over SMTP (delivered in the enqueue transaction) and from the queue (with a Sieve
 * script's implicit keep); never into a mailbox she lacks or a special-use one; off by default.
 */
class DetailMailboxTest {

    static final String ALICE = "alice@example.test";

    @TempDir
    Path dir;
    RunningServer tern;

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    private void start(String config) {
        tern = new RunningServer(dir, config, "", null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser(ALICE, "pw");
        long id = tern.services().directory().user(ALICE).orElseThrow().id();
        tern.services().mailboxes().create(id, "Receipts", null);
        tern.services().mailboxes().create(id, "Projects/Tern", null);
    }

    private void sendOverSmtp(String to, String subject) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(tern.smtpPort()));
        p.put("mail.smtp.localhost", "client.example");
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress("shop@example.org"));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject);
        m.setText("thanks for your order\n");
        Transport.send(m);
    }

    private List<String> subjects(String mailbox) {
        return tern.mailbox(ALICE, mailbox).stream().map(tern::content)
                .map(c -> c.lines().filter(l -> l.startsWith("Subject: ")).findFirst().orElse("")).toList();
    }

    private void awaitDelivered(int total) {
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.mailbox(ALICE, "INBOX").size()
                + tern.mailbox(ALICE, "Receipts").size() + tern.mailbox(ALICE, "Trash").size()
                + tern.mailbox(ALICE, "Projects/Tern").size() == total);
    }

    @Test
    void theDetailNamesTheMailboxWhenAliceHasOneWithoutASpecialUse() throws Exception {
        start("[delivery]\nsave_to_detail_mailbox = true\n");
        sendOverSmtp("alice+receipts@example.test", "one");
        sendOverSmtp("alice+Projects/Tern@example.test", "two");
        sendOverSmtp("alice+nothing@example.test", "three");
        sendOverSmtp("alice+Trash@example.test", "four");
        sendOverSmtp("alice@example.test", "five");
        awaitDelivered(5);
        assertThat(subjects("Receipts")).containsExactly("Subject: one");
        assertThat(subjects("Projects/Tern")).containsExactly("Subject: two");
        assertThat(subjects("INBOX")).containsExactly("Subject: three", "Subject: four",
                "Subject: five");
        assertThat(tern.mailbox(ALICE, "Trash")).isEmpty();

        // From the queue, a Sieve script's implicit keep goes there too; its fileinto where it says.
        long id = tern.services().directory().user(ALICE).orElseThrow().id();
        tern.services().sieveScripts().put(id, "main", """
                require "fileinto";
                if header :contains "subject" "project" { fileinto "Projects/Tern"; }
                """);
        tern.services().sieveScripts().activate(id, "main");
        tern.submit("shop@example.org", "Subject: six\r\n\r\nkept\r\n", "alice+receipts@example.test");
        tern.submit("shop@example.org", "Subject: project news\r\n\r\nfiled\r\n", "alice+receipts@example.test");
        awaitDelivered(7);
        assertThat(subjects("Receipts")).containsExactly("Subject: one", "Subject: six");
        assertThat(subjects("Projects/Tern")).containsExactly("Subject: two", "Subject: project news");
    }

    @Test
    void withoutTheSettingTaggedMailGoesToInbox() throws Exception {
        start("");
        sendOverSmtp("alice+receipts@example.test", "one");
        awaitDelivered(1);
        assertThat(tern.mailbox(ALICE, "Receipts")).isEmpty();
        assertThat(tern.inbox(ALICE)).extracting(Rows.Message::uid).containsExactly(1L);
    }
}
