package dev.tern.server;

import dev.tern.store.s3.S3TestServer;
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
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server with {@code blobs = "s3"} against an S3-compatible server: messages sent with a real
 * SMTP client land in the mailbox and come back over POP3 byte for byte, before and after a
 * restart, the larger ones from the bucket.
 */
class S3StoreEndToEndTest {

    private static final String PASSWORD = "s3-e2e-pw";
    private static final String LISTENERS = "pop3s = [\"127.0.0.1:0\"]\n";

    @TempDir
    Path dir;
    private S3TestServer s3;
    private RunningServer tern;

    @BeforeEach
    void start() {
        s3 = S3TestServer.start().createBucket("mail");
        tern = new RunningServer(dir, s3.storeToml("mail", "tern/"), LISTENERS, null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", PASSWORD);
    }

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
        s3.close();
    }

    /** A message as a client would write it, CRLF line endings, with a body of {@code bodyBytes} base64 lines. */
    private static byte[] message(String subject, int bodyBytes) {
        StringBuilder m = new StringBuilder()
                .append("From: Sender <sender@example.org>\r\n")
                .append("To: alice@example.test\r\n")
                .append("Subject: ").append(subject).append("\r\n")
                .append("Message-ID: <").append(subject.replace(' ', '-')).append("@example.org>\r\n")
                .append("MIME-Version: 1.0\r\n")
                .append("Content-Type: application/octet-stream\r\n")
                .append("Content-Transfer-Encoding: base64\r\n")
                .append("\r\n");
        byte[] random = new byte[bodyBytes * 3 / 4];
        new Random(bodyBytes).nextBytes(random);
        String encoded = java.util.Base64.getMimeEncoder().encodeToString(random);
        m.append(encoded).append("\r\n.leading dot line\r\n");
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends the bytes unchanged with Angus Mail (no saveChanges, so no header is rewritten). */
    private void send(byte[] raw) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(tern.smtpPort()));
        p.put("mail.smtp.localhost", "client.example");
        p.put("mail.smtp.timeout", "30000");
        Session session = Session.getInstance(p);
        MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(raw));
        try (Transport t = session.getTransport("smtp")) {
            t.connect();
            t.sendMessage(m, new InternetAddress[]{new InternetAddress("alice@example.test")});
        }
    }

    private List<byte[]> retrieveOverPop3() throws Exception {
        Properties p = new Properties();
        p.put("mail.pop3s.host", "127.0.0.1");
        p.put("mail.pop3s.port", String.valueOf(tern.port("pop3s")));
        p.put("mail.pop3s.ssl.socketFactory",
                TestCertificates.trusting(tern.server().tls().certificate()).getSocketFactory());
        p.put("mail.pop3s.ssl.checkserveridentity", "false");
        p.put("mail.pop3s.timeout", "30000");
        Store store = Session.getInstance(p).getStore("pop3s");
        store.connect("alice@example.test", PASSWORD);
        List<byte[]> out = new ArrayList<>();
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            for (Message m : inbox.getMessages()) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                m.writeTo(bytes);
                out.add(bytes.toByteArray());
            }
            inbox.close(false);
        } finally {
            store.close();
        }
        return out;
    }

    /** The server adds trace fields at the top; everything the client sent follows unchanged. */
    private static void assertDelivered(byte[] retrieved, byte[] sent) {
        assertThat(retrieved.length).isGreaterThan(sent.length);
        byte[] tail = Arrays.copyOfRange(retrieved, retrieved.length - sent.length, retrieved.length);
        assertThat(Arrays.equals(tail, sent)).as("the sent message, byte for byte").isTrue();
        String added = new String(retrieved, 0, retrieved.length - sent.length, StandardCharsets.US_ASCII);
        assertThat(added).contains("Delivered-To: alice@example.test\r\n").endsWith("\r\n");
    }

    private List<String> keys() {
        return s3.client().listObjectsV2Paginator(r -> r.bucket("mail")).contents().stream()
                .map(S3Object::key).toList();
    }

    @Test
    void messagesSentOverSmtpAreReadBackOverPop3ByteForByte() throws Exception {
        byte[] small = message("small one", 2_000);
        byte[] spooled = message("past the memory limit", 1024 * 1024);
        byte[] multipart = message("several parts", 12 * 1024 * 1024);
        send(small);
        send(spooled);
        send(multipart);
        await().atMost(Duration.ofSeconds(30)).until(() -> tern.inbox("alice@example.test").size() == 3);

        List<byte[]> retrieved = retrieveOverPop3();
        assertThat(retrieved).hasSize(3);
        assertDelivered(retrieved.get(0), small);
        assertDelivered(retrieved.get(1), spooled);
        assertDelivered(retrieved.get(2), multipart);
        // The two large contents are objects in the bucket (the small one sits in its row), shared by
        // the queue and the mailbox; nothing went to the data directory.
        assertThat(keys()).hasSize(2).allMatch(k -> k.startsWith("tern/"));
        assertThat(dir.resolve("data/blobs")).doesNotExist();
        assertThat(dir.resolve("data/spool")).isEmptyDirectory();

        tern.close();
        tern = null;
        tern = new RunningServer(dir, s3.storeToml("mail", "tern/"), LISTENERS, null);
        List<byte[]> again = retrieveOverPop3();
        assertDelivered(again.get(2), multipart);
        assertThat(keys()).hasSize(2);
    }
}
