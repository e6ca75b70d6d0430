package dev.tern.server;

import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.RunningServer;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code [smtp] min_free_space} against the real file system of {@code data_dir}: a reserve larger
 * than any disk refuses every MAIL with 452 4.3.1, a small one takes mail.
 */
class FreeSpaceReserveTest {

    @TempDir
    Path dir;
    RunningServer tern;

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    private void start(String reserve) {
        tern = new RunningServer(dir, "[smtp]\nmin_free_space = \"" + reserve + "\"\n");
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "a");
    }

    private MimeMessage message() throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(tern.smtpPort()));
        p.put("mail.smtp.localhost", "client.example");
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "10000");
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress("sender@example.org"));
        m.setRecipients(Message.RecipientType.TO, "alice@example.test");
        m.setText("Hello");
        return m;
    }

    @Test
    void aDiskWithoutTheReserveRefusesMailTemporarily() throws Exception {
        start("100000000G");   // about 100 PB: more than this disk has
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.example"), "250");
            assertThat(c.command("MAIL FROM:<a@example.org>"))
                    .isEqualTo("452 4.3.1 Insufficient system storage, try again later");
            assertThat(c.command("NOOP")).startsWith("250");
            assertThat(c.command("QUIT")).startsWith("221");
        }
        SMTPSendFailedException e = catchThrowableOfType(() -> Transport.send(message()),
                SMTPSendFailedException.class);
        assertThat(e.getReturnCode()).isEqualTo(452);
        assertThat(tern.inbox("alice@example.test")).isEmpty();
    }

    @Test
    void aDiskWithTheReserveTakesMail() throws Exception {
        start("1M");
        Transport.send(message());
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("alice@example.test").size() == 1);
    }
}
