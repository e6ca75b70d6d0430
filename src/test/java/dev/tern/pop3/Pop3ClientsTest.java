package dev.tern.pop3;

import dev.tern.testing.RunningServer;
import dev.tern.testing.TestCertificates;
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
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Real POP3 clients against a running server: Python's poplib and Angus Mail; and mail from SMTP read over POP3. */
class Pop3ClientsTest {

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() {
        tern = new RunningServer(dir, "", Pop3ServerTest.LISTENERS, null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", Pop3ServerTest.PASSWORD);
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private void sendOverSmtp(String subject, String text) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(tern.smtpPort()));
        p.put("mail.smtp.localhost", "client.example");
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress("sender@example.org"));
        m.setRecipients(Message.RecipientType.TO, "alice@example.test");
        m.setSubject(subject, "UTF-8");
        m.setText(text, "UTF-8");
        Transport.send(m);
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("alice@example.test").stream()
                .anyMatch(s -> tern.content(s).contains("Subject: " + subject)));
    }

    @Test
    void mailSentOverSmtpIsReadAndDeletedWithAngusMailPop3s() throws Exception {
        sendOverSmtp("Hello over POP3", "First line.\n.dotted line\n");
        Properties p = new Properties();
        p.put("mail.pop3s.host", "127.0.0.1");
        p.put("mail.pop3s.port", String.valueOf(tern.port("pop3s")));
        p.put("mail.pop3s.ssl.socketFactory",
                TestCertificates.trusting(tern.server().tls().certificate()).getSocketFactory());
        p.put("mail.pop3s.ssl.checkserveridentity", "false");
        p.put("mail.pop3s.timeout", "10000");
        Session session = Session.getInstance(p);
        Store store = session.getStore("pop3s");
        store.connect("alice@example.test", Pop3ServerTest.PASSWORD);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            assertThat(inbox.getMessageCount()).isEqualTo(1);
            Message m = inbox.getMessage(1);
            assertThat(m.getSubject()).isEqualTo("Hello over POP3");
            assertThat(((String) m.getContent()).replace("\r\n", "\n")).isEqualTo("First line.\n.dotted line\n");
            assertThat(m.getHeader("Delivered-To")).containsExactly("alice@example.test");
            String uid = ((org.eclipse.angus.mail.pop3.POP3Folder) inbox).getUID(m);
            assertThat(uid).matches("\\d+-1");
            m.setFlag(jakarta.mail.Flags.Flag.DELETED, true);
            inbox.close(true);
        } finally {
            store.close();
        }
        assertThat(tern.inbox("alice@example.test")).isEmpty();
    }

    @Test
    void angusMailUsesStlsOnThePop3Port() throws Exception {
        sendOverSmtp("Over STLS", "text\n");
        Properties p = new Properties();
        p.put("mail.pop3.host", "127.0.0.1");
        p.put("mail.pop3.port", String.valueOf(tern.port("pop3")));
        p.put("mail.pop3.starttls.enable", "true");
        p.put("mail.pop3.starttls.required", "true");
        p.put("mail.pop3.ssl.socketFactory",
                TestCertificates.trusting(tern.server().tls().certificate()).getSocketFactory());
        p.put("mail.pop3.ssl.checkserveridentity", "false");
        p.put("mail.pop3.timeout", "10000");
        Store store = Session.getInstance(p).getStore("pop3");
        store.connect("alice@example.test", Pop3ServerTest.PASSWORD);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isEqualTo(1);
            assertThat(inbox.getMessage(1).getSubject()).isEqualTo("Over STLS");
            inbox.close(false);
        } finally {
            store.close();
        }
        assertThat(tern.inbox("alice@example.test")).hasSize(1);
    }

    @Test
    void pythonPoplibListsRetrievesAndDeletes() throws Exception {
        sendOverSmtp("From Python", "Hi\n.leading dot\n");
        sendOverSmtp("Second one", "Two\n");
        String script = """
                import poplib, ssl, sys
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                p = poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=10)
                caps = p.capa()
                assert 'STLS' in caps, caps
                p.stls(context=ctx)
                p.user('alice@example.test')
                p.pass_(sys.argv[2])
                count, size = p.stat()
                print('stat', count)
                resp, lines, octets = p.retr(1)
                text = b'\\r\\n'.join(lines).decode()
                assert 'Subject: From Python' in text, text
                assert '\\r\\n.leading dot' in text, text
                resp, uids, _ = p.uidl()
                print('uidl', len(uids))
                print(p.dele(1).decode())
                print(p.quit().decode())
                """;
        Process proc = new ProcessBuilder(List.of("python3", "-c", script, String.valueOf(tern.port("pop3")),
                Pop3ServerTest.PASSWORD)).redirectErrorStream(true).start();
        assertThat(proc.waitFor(60, TimeUnit.SECONDS)).as("python3 finished").isTrue();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(proc.exitValue()).as("python3 output:%n%s", out).isZero();
        assertThat(out).contains("stat 2", "uidl 2", "+OK message 1 deleted", "+OK Tern POP3 server signing off");
        assertThat(tern.inbox("alice@example.test")).hasSize(1);
        assertThat(tern.content(tern.inbox("alice@example.test").get(0))).contains("Subject: Second one");
    }
}
