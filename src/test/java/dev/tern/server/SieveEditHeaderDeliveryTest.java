package dev.tern.server;

import dev.tern.directory.Account;
import dev.tern.store.Rows;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.RunningServer;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * editheader (RFC 5293) end to end: a message sent over SMTP to an account whose script adds and
 * deletes fields, read back over IMAP exactly as edited, with its size; the copy of a recipient
 * without a script untouched; and a redirect that carries the edit.
 */
class SieveEditHeaderDeliveryTest {

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void setUp() {
        tern = new RunningServer(dir, "[imap]\nallow_plaintext_auth = true\n", "imap = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        for (String user : List.of("anna", "bob", "carl", "dora")) {
            tern.services().directory().addUser(user + "@example.test", user + "-pw");
        }
    }

    @AfterEach
    void tearDown() {
        tern.close();
    }

    private void script(String address, String script) throws Exception {
        Path file = dir.resolve("script-" + address + ".sieve");
        Files.writeString(file, script, StandardCharsets.UTF_8);
        InProcessCli.Result r = InProcessCli.run(dir.resolve("tern.toml"), null, "sieve", "put", address, "main",
                file.toString(), "--activate");
        assertThat(r.code()).as(r.err()).isZero();
    }

    /** One message to all the recipients in one SMTP transaction. */
    private void send(String subject, String... to) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(tern.smtpPort()));
        p.put("mail.smtp.localhost", "client.example");
        p.put("mail.smtp.timeout", "20000");
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress("jane@example.org"));
        m.setRecipients(Message.RecipientType.TO, String.join(", ", to));
        m.setSubject(subject, "UTF-8");
        m.setHeader("X-Remove", "secret");
        m.setHeader("X-Keep", "stays");
        m.setText("Hello.\n", "UTF-8");
        InternetAddress[] rcpts = new InternetAddress[to.length];
        for (int i = 0; i < to.length; i++) {
            rcpts[i] = new InternetAddress(to[i]);
        }
        Transport.send(m, rcpts);
    }

    private List<Rows.Message> box(String address, String name) {
        Account a = tern.services().directory().user(address).orElseThrow();
        return tern.services().mailboxes().mailboxes(a.id()).stream().filter(b -> b.name().equals(name)).findFirst()
                .map(b -> tern.services().mailboxes().messages(b.id())).orElse(List.of());
    }

    private long usage(String address) {
        return tern.services().mailboxes().usage(tern.services().directory().user(address).orElseThrow().id());
    }

    private static String field(String content, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ": (.*(?:\r\n[ \t].*)*)\r\n").matcher(content);
        assertThat(m.find()).as(name + " in " + content).isTrue();
        return m.group(1);
    }

    @Test
    void theFiledMessageIsExactlyTheEditedOneAndAnotherRecipientsCopyIsUntouched() throws Exception {
        script("anna@example.test", """
                require ["editheader", "fileinto"];
                deleteheader "X-Remove";
                addheader "X-Filtered" "Tern für Anna";
                addheader :last "X-Last" "end";
                if allof (header :is "X-Filtered" "Tern für Anna", not exists "X-Remove") { fileinto "Edited"; }
                """);
        send("Edit me", "anna@example.test", "bob@example.test");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("anna@example.test", "Edited").size() == 1
                && box("bob@example.test", "INBOX").size() == 1);

        // bob has no script: his copy is as it came, on the queued content as ever
        Rows.Message bobs = box("bob@example.test", "INBOX").get(0);
        String plain = tern.content(bobs);
        String head = "Return-Path: <jane@example.org>\r\nDelivered-To: bob@example.test\r\n";
        assertThat(plain).startsWith(head).contains("X-Remove: secret\r\n").doesNotContain("X-Filtered")
                .doesNotContain("X-Last");
        assertThat(bobs.headerPrefix()).startsWith(head).doesNotContain("X-Filtered");
        String received = plain.substring(head.length());   // the trace fields, then the message as sent

        Rows.Message annas = box("anna@example.test", "Edited").get(0);
        String edited = tern.content(annas);
        String encoded = field(edited, "X-Filtered");
        assertThat(MimeUtility.decodeText(MimeUtility.unfold(encoded))).isEqualTo("Tern für Anna");
        int blank = received.indexOf("\r\n\r\n");
        String expected = "Return-Path: <jane@example.org>\r\nDelivered-To: anna@example.test\r\n"
                + "X-Filtered: " + encoded + "\r\n"
                + received.substring(0, blank + 2).replace("X-Remove: secret\r\n", "") + "X-Last: end\r\n"
                + received.substring(blank + 2);
        assertThat(edited).isEqualTo(expected);
        assertThat(annas.size()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8).length);
        assertThat(annas.blobId()).as("a content of its own").isNotEqualTo(bobs.blobId());
        assertThat(usage("anna@example.test")).as("the quota counts what is filed").isEqualTo(annas.size());
        assertThat(box("anna@example.test", "INBOX")).as("fileinto took the implicit keep").isEmpty();

        // as a mail client reads it over IMAP: FETCH BODY[], RFC822.SIZE, BODYSTRUCTURE
        Properties p = new Properties();
        p.put("mail.imap.host", "127.0.0.1");
        p.put("mail.imap.port", String.valueOf(tern.port("imap")));
        p.put("mail.imap.timeout", "20000");
        Store store = Session.getInstance(p).getStore("imap");
        store.connect("anna@example.test", "anna-pw");
        try {
            Folder folder = store.getFolder("Edited");
            folder.open(Folder.READ_ONLY);
            Message m = folder.getMessage(1);
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            m.writeTo(raw);
            assertThat(raw.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
            assertThat(m.getSize()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8).length);
            assertThat(m.getHeader("X-Remove")).isNull();
            assertThat(m.getHeader("X-Last")).containsExactly("end");
            assertThat(m.getHeader("X-Keep")).containsExactly("stays");
            assertThat(m.getContentType()).startsWith("text/plain");
            assertThat(m.getContent().toString()).contains("Hello.");
            folder.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void fieldsPutOnTopGoIntoTheCopysPrefixAndARedirectCarriesThem() throws Exception {
        script("carl@example.test", """
                require "editheader";
                addheader "X-Seen-By" "carl";
                redirect "dora@example.test";
                keep;
                """);
        send("Pass it on", "carl@example.test");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("carl@example.test", "INBOX").size() == 1
                && box("dora@example.test", "INBOX").size() == 1);

        Rows.Message kept = box("carl@example.test", "INBOX").get(0);
        String content = tern.content(kept);
        assertThat(content).startsWith("Return-Path: <jane@example.org>\r\nDelivered-To: carl@example.test\r\n"
                + "X-Seen-By: carl\r\n");
        assertThat(kept.headerPrefix()).as("the queued content, the field in the prefix")
                .contains("X-Seen-By: carl\r\n");
        assertThat(content).startsWith(kept.headerPrefix());
        assertThat(kept.size()).isEqualTo(content.getBytes(StandardCharsets.UTF_8).length);
        assertThat(content).contains("X-Remove: secret\r\n").contains("Subject: Pass it on\r\n");

        String forwarded = tern.content(box("dora@example.test", "INBOX").get(0));
        assertThat(forwarded).contains("Delivered-To: carl@example.test\r\nX-Seen-By: carl\r\n")
                .contains("X-Remove: secret\r\n").contains("Hello.");
        assertThat(forwarded.indexOf("X-Seen-By")).isLessThan(forwarded.indexOf("From: jane@example.org"));
    }
}
