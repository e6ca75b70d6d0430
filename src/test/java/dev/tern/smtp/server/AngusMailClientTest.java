package dev.tern.smtp.server;

import dev.tern.mail.MailAddress;
import dev.tern.mail.Recipient;
import jakarta.mail.Message;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server as a real mail client (Jakarta Mail / Angus Mail) sees it. */
class AngusMailClientTest extends SmtpServerTestSupport {

    private Session session() {
        start(limits());
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(server.port()));
        props.put("mail.smtp.localhost", "client.test");
        props.put("mail.smtp.allow8bitmime", "true");
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "10000");
        return Session.getInstance(props);
    }

    private static MimeMessage message(Session session, String... to) throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("sender@b.test"));
        for (String t : to) {
            m.addRecipient(Message.RecipientType.TO, new InternetAddress(t));
        }
        m.setSubject("Grüße", "UTF-8");
        m.setText("Hello from Angus Mail.\n.\nA line with a single dot above.\n", "UTF-8");
        return m;
    }

    @Test
    void sendsAMessage() throws Exception {
        Session session = session();
        Transport.send(message(session, "alice@example.test", "bob@example.test"));
        FakeBackend.Queued q = backend.last();
        assertThat(q.envelope().recipients()).extracting(Recipient::address).containsExactly(
                MailAddress.parse("alice@example.test"), MailAddress.parse("bob@example.test"));
        assertThat(q.text()).startsWith("Received: from client.test ([127.0.0.1])")
                .contains("Hello from Angus Mail.\r\n.\r\nA line with a single dot above.\r\n");
    }

    @Test
    void refusedRecipientIsReported() throws Exception {
        Session session = session();
        assertThatThrownBy(() -> Transport.send(message(session, "victim@elsewhere.test")))
                .isInstanceOf(SendFailedException.class);
        assertThat(backend.queued).isEmpty();
    }
}
