package dev.tern.server;

import dev.tern.directory.Account;
import dev.tern.store.Rows;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.Rspamd;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestCertificates;
import dev.tern.testing.TestDnsServer;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The rspamd scan of port-25 mail end to end: a real rspamd (see {@link Rspamd} for the verdicts
 * it gives by subject) and a Tern whose loopback client is not exempt from the checks, so that
 * each message sent is scanned, and refused, deferred, filed as junk or delivered as rspamd says.
 */
class SpamScanTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String BOB = "bob@tern.test";
    /** The submission listener's certificate, for tests that submit mail. */
    private TestCertificates.Issued issued;
    private static final String PLAIN_BODY = "Hello Bob,\r\n\r\nthe minutes of Tuesday's meeting are attached.\r\n\r\nAlice\r\n";

    private static Rspamd rspamd;

    @TempDir
    Path dir;
    private TestDnsServer dns;
    private RunningServer tern;

    @BeforeAll
    static void startRspamd(@TempDir Path rspamdDir) throws IOException {
        rspamd = Rspamd.start(rspamdDir);
    }

    @AfterAll
    static void stopRspamd() {
        if (rspamd != null) {
            rspamd.close();
        }
    }

    @BeforeEach
    void publish() throws Exception {
        // Forward-confirmed reverse DNS for the client, so that Tern's own checks have nothing to say.
        dns = TestDnsServer.start();
        dns.add(new PTRRecord(Name.fromString("1.0.0.127.in-addr.arpa."), DClass.IN, 300,
                Name.fromString("mail.sender.test.")));
        dns.a("mail.sender.test", "127.0.0.1");
    }

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
        dns.close();
    }

    private void start(String checks, String rspamdSettings) {
        tern = new RunningServer(dir, "[dns]\nnameservers = [\"127.0.0.1:" + dns.nameserver().getPort()
                + "\"]\ntimeout = \"500ms\"\n\n[checks]\n" + checks + "\n[checks.rspamd]\n" + rspamdSettings);
        tern.services().directory().addDomain("tern.test");
        tern.services().directory().addUser(BOB, "b");
    }

    /** Checked like any client on the internet, scanned by the shared rspamd. */
    private void startScanning(String moreRspamdSettings) {
        start("exempt = []\n", "url = \"" + rspamd.url() + "\"\n" + moreRspamdSettings);
    }

    /** The replies to the end of data of each message, all sent in one session. */
    private List<String> send(String... contents) throws Exception {
        List<String> replies = new ArrayList<>();
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 40_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO mail.sender.test"), "250");
            for (String content : contents) {
                replies.add(c.sendMail("alice@sender.test", List.of(BOB), content));
            }
            RawSmtpClient.expect(c.command("QUIT"), "221");
        }
        return replies;
    }

    private String sendOne(String content) throws Exception {
        return send(content).get(0);
    }

    private static String message(String subject, String body) {
        return message(subject, body, UUID.randomUUID() + "@sender.test");
    }

    private static String message(String subject, String body, String messageId) {
        return "From: Alice <alice@sender.test>\r\nTo: Bob <" + BOB + ">\r\nSubject: " + subject + "\r\n"
                + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now()) + "\r\n"
                + "Message-ID: <" + messageId + ">\r\n\r\n" + body;
    }

    private static String plain(String subject) {
        return message(subject, PLAIN_BODY);
    }

    /** The messages of a mailbox, none when it does not exist. */
    private List<Rows.Message> box(String name) {
        Account a = tern.services().directory().user(BOB).orElseThrow();
        return tern.services().mailboxes().mailboxes(a.id()).stream().filter(b -> b.name().equals(name)).findFirst()
                .map(b -> tern.services().mailboxes().messages(b.id())).orElse(List.of());
    }

    /** Waits for the one message of a mailbox and returns its content. */
    private String onlyMessage(String name) {
        await().atMost(WAIT).until(() -> !box(name).isEmpty());
        List<Rows.Message> messages = box(name);
        assertThat(messages).hasSize(1);
        return tern.content(messages.get(0));
    }

    private static String header(String content) {
        int end = content.indexOf("\r\n\r\n");
        return end < 0 ? content : content.substring(0, end + 2);
    }

    private String metrics() {
        return tern.server().metrics().scrape();
    }

    private static int closedLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void gtubeIsRefusedAndTheSessionGoesOn() throws Exception {
        startScanning("");
        List<String> replies = send(message("hello", Rspamd.GTUBE + "\r\n"), plain("after the refusal"));

        assertThat(replies.get(0)).startsWith("554 5.7.1 ").contains("Gtube pattern");
        assertThat(replies.get(1)).startsWith("250");
        // The following message arriving shows the refused one had its chance to be delivered.
        String delivered = onlyMessage("INBOX");
        assertThat(delivered).contains("Subject: after the refusal").doesNotContain("GTUBE");
        assertThat(box("Junk")).isEmpty();
        assertThat(metrics()).contains("tern_spam_scans_total{result=\"reject\"} 1.0")
                .contains("tern_spam_scans_total{result=\"no_action\"} 1.0");
    }

    @Test
    void aRejectScoreIsRefused() throws Exception {
        startScanning("");
        List<String> replies = send(plain("offer " + Rspamd.REJECT_SUBJECT), plain("fine"));
        assertThat(replies.get(0)).startsWith("554 5.7.1 ");
        assertThat(replies.get(1)).startsWith("250");
        assertThat(onlyMessage("INBOX")).contains("Subject: fine");
        assertThat(box("Junk")).isEmpty();
    }

    @Test
    void aSoftRejectIsDeferred() throws Exception {
        startScanning("");
        List<String> replies = send(plain("later " + Rspamd.SOFT_SUBJECT), plain("fine"));
        assertThat(replies.get(0)).startsWith("451 4.7.1 ");
        assertThat(replies.get(1)).startsWith("250");
        assertThat(onlyMessage("INBOX")).contains("Subject: fine");
        assertThat(metrics()).contains("tern_spam_scans_total{result=\"soft_reject\"} 1.0");
    }

    @Test
    void addHeaderFilesTheMessageAsJunkAndMarksIt() throws Exception {
        startScanning("");
        assertThat(sendOne(plain("cheap " + Rspamd.JUNK_SUBJECT))).startsWith("250");

        String junk = onlyMessage("Junk");
        assertThat(box("INBOX")).isEmpty();
        String header = header(junk);
        assertThat(header).contains("\r\nX-Spam: Yes\r\n").containsPattern("X-Spam-Status: Yes, score=[0-9.]+");
        // Added by Tern, ahead of the sender's own fields.
        assertThat(header.indexOf("X-Spam: Yes")).isLessThan(header.indexOf("From: Alice"));
        assertThat(header.indexOf("X-Spam-Status:")).isLessThan(header.indexOf("From: Alice"));
        assertThat(header).contains("Subject: cheap " + Rspamd.JUNK_SUBJECT);
        // What rspamd's milter_headers module asks for, below Tern's fields; not its Authentication-Results.
        assertThat(header).containsPattern("\r\nX-Spamd-Bar: \\++\r\n");
        assertThat(header.indexOf("X-Spamd-Bar:")).isGreaterThan(header.indexOf("X-Spam-Status:"))
                .isLessThan(header.indexOf("From: Alice"));
        assertThat(header.split("Authentication-Results:", -1)).as(header).hasSize(2);
        assertThat(metrics()).contains("tern_spam_scans_total{result=\"add_header\"} 1.0");
    }

    /** Sieve's spamtest (RFC 5235) reads the verdict Tern added: a user's filter acts on the score. */
    @Test
    void aSieveScriptFilesByTheScansVerdict() throws Exception {
        startScanning("");
        dev.tern.testing.InProcessCli.Result put = dev.tern.testing.InProcessCli.run(dir.resolve("tern.toml"), """
                require ["spamtestplus", "fileinto", "relational", "comparator-i;ascii-numeric", "variables"];
                if spamtest :value "ge" :comparator "i;ascii-numeric" "2" {
                    if spamtest :percent :matches "*" { set "p" "${1}"; }
                    fileinto "Scored ${p}";
                } elsif spamtest :percent :count "eq" :comparator "i;ascii-numeric" "0" {
                    fileinto "Not scanned";
                }
                """, "sieve", "put", BOB, "main", "--activate");
        assertThat(put.code()).as(put.err()).isZero();
        assertThat(sendOne(plain("cheap " + Rspamd.JUNK_SUBJECT))).startsWith("250");
        assertThat(sendOne(plain("minutes"))).startsWith("250");
        await().atMost(WAIT).until(() -> tern.services().mailboxes().mailboxes(
                tern.services().directory().user(BOB).orElseThrow().id()).stream()
                .anyMatch(b -> b.name().startsWith("Scored ")) && box("INBOX").size() == 1);
        String scored = tern.services().mailboxes().mailboxes(tern.services().directory().user(BOB).orElseThrow().id())
                .stream().map(Rows.Mailbox::name).filter(n -> n.startsWith("Scored ")).findFirst().orElseThrow();
        assertThat(Integer.parseInt(scored.substring("Scored ".length()))).as(scored).isBetween(1, 100);
        assertThat(onlyMessage(scored)).contains("Subject: cheap " + Rspamd.JUNK_SUBJECT);
        assertThat(onlyMessage("INBOX")).as("a low score is 1: kept").contains("Subject: minutes");
        assertThat(box("Not scanned")).isEmpty();
    }

    @Test
    void aSendersOwnVerdictFieldsNeverReachTheMailbox() throws Exception {
        startScanning("");
        String forged = plain("cheap " + Rspamd.JUNK_SUBJECT).replace("Subject: ",
                "X-Spam-Status: No, score=-20.00 required=15.00\r\nX-Spam: No\r\nX-Spamd-Bar: -----\r\nSubject: ");
        assertThat(sendOne(forged)).startsWith("250");

        String header = header(onlyMessage("Junk"));
        assertThat(header).doesNotContain("X-Spam: No").doesNotContain("-20.00").doesNotContain("-----");
        assertThat(header.split("X-Spam-Status:", -1)).as(header).hasSize(2);
        assertThat(header).containsPattern("X-Spam-Status: Yes, score=[0-9.]+").contains("\r\nX-Spam: Yes\r\n");
    }

    @Test
    void aPlainMessageIsDeliveredWithItsScore() throws Exception {
        startScanning("");
        String messageId = UUID.randomUUID() + "@sender.test";
        assertThat(sendOne(message("minutes", PLAIN_BODY, messageId))).startsWith("250");

        String header = header(onlyMessage("INBOX"));
        assertThat(header).containsPattern("X-Spam-Status: No, score=-?[0-9.]+").doesNotContain("X-Spam: Yes");
        assertThat(header.indexOf("X-Spam-Status:")).isLessThan(header.indexOf("From: Alice"));
        assertThat(box("Junk")).isEmpty();

        // rspamd was told the envelope, the client and Tern's queue id, not just the content.
        Matcher id = Pattern.compile("with ESMTP id (\\S+)").matcher(header);
        assertThat(id.find()).as(header).isTrue();
        String line = await().atMost(WAIT).until(() -> rspamd.log().lines()
                .filter(l -> l.contains("rspamd_task_write_log") && l.contains("<" + messageId + ">"))
                .findFirst().orElse(null), l -> l != null);
        assertThat(line).contains("qid: <" + id.group(1) + ">", "ip: 127.0.0.1", "from: <alice@sender.test>",
                "rcpts: <" + BOB + ">");
        assertThat(header).contains("\r\nX-Rspamd-Queue-Id: " + id.group(1) + "\r\n");
    }

    @Test
    void anUnreachableRspamdLetsMailThroughUnscannedByDefault() throws Exception {
        start("exempt = []\n", "url = \"http://127.0.0.1:" + closedLoopbackPort() + "\"\n");
        assertThat(sendOne(message("hello", Rspamd.GTUBE + "\r\n"))).startsWith("250");
        assertThat(header(onlyMessage("INBOX"))).doesNotContain("X-Spam-Status").doesNotContain("X-Spam:");
        assertThat(metrics()).contains("tern_spam_scans_total{result=\"error\"} 1.0");
    }

    @Test
    void anUnreachableRspamdDefersWhenToldTo() throws Exception {
        start("exempt = []\n", "url = \"http://127.0.0.1:" + closedLoopbackPort() + "\"\non_failure = \"defer\"\n");
        List<String> replies = send(plain("first"), plain("second"));
        assertThat(replies).allSatisfy(r -> assertThat(r).startsWith("451 4.7.1 "));
        assertThat(box("INBOX")).isEmpty();
    }

    @Test
    void anRspamdThatNeverAnswersTimesOut() throws Exception {
        // Connections complete in the backlog and are never read: a scan that hangs, not one refused.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            start("exempt = []\n", "url = \"http://127.0.0.1:" + silent.getLocalPort() + "\"\ntimeout = \"1s\"\n"
                    + "on_failure = \"defer\"\n");
            assertThat(sendOne(plain("hello"))).startsWith("451 4.7.1 ");
            assertThat(box("INBOX")).isEmpty();
            assertThat(metrics()).contains("tern_spam_scans_total{result=\"error\"} 1.0");
        }
    }

    @Test
    void aMessageLargerThanMaxSizeIsNotScanned() throws Exception {
        startScanning("max_size = \"10KB\"\n");
        StringBuilder body = new StringBuilder(Rspamd.GTUBE).append("\r\n");
        while (body.length() < 20 * 1024) {
            body.append("A long line of filler text, so that the message is larger than the scan limit.\r\n");
        }
        assertThat(sendOne(message("big", body.toString()))).startsWith("250");

        assertThat(header(onlyMessage("INBOX"))).doesNotContain("X-Spam-Status").doesNotContain("X-Spam:");
        assertThat(metrics()).contains("tern_spam_scans_total{result=\"skipped\"} 1.0");
    }

    @Test
    void anExemptClientIsNotScanned() throws Exception {
        // [checks] exempt left at its default: loopback clients are exempt.
        start("", "url = \"" + rspamd.url() + "\"\n");
        assertThat(sendOne(message("hello", Rspamd.GTUBE + "\r\n"))).startsWith("250");
        assertThat(header(onlyMessage("INBOX"))).doesNotContain("X-Spam-Status").doesNotContain("X-Spam:");
        assertThat(metrics()).doesNotContain("tern_spam_scans_total{");
    }

    @Test
    void anAuthenticatedSubmissionIsNotScanned() throws Exception {
        startSubmission("");
        submit("test pattern", Rspamd.GTUBE);

        assertThat(header(onlyMessage("INBOX"))).doesNotContain("X-Spam-Status").doesNotContain("X-Spam:");
        assertThat(metrics()).doesNotContain("tern_spam_scans_total{");
    }

    @Test
    void withScanSubmissionAUsersSpamIsRefusedBeforeItLeaves() throws Exception {
        startSubmission("scan_submission = true\n");
        assertThatThrownBy(() -> submit(Rspamd.REJECT_SUBJECT + " from a hijacked account", "Buy now.\n"))
                .isInstanceOf(jakarta.mail.MessagingException.class).hasMessageContaining("554")
                .hasMessageContaining("5.7.1");
        submit("minutes of the meeting", "Hello Bob, here are the minutes.\n");

        // The user's own mail is never filed as junk: it is delivered with its score.
        assertThat(header(onlyMessage("INBOX"))).contains("X-Spam-Status: No, score=").doesNotContain("X-Spam: Yes");
        assertThat(box("Junk")).isEmpty();
        assertThat(metrics()).contains("tern_spam_scans_total{result=\"reject\"} 1.0")
                .contains("tern_spam_scans_total{result=\"no_action\"} 1.0");
        assertThat(rspamd.log()).contains("user: alice@tern.test");
    }

    private void startSubmission(String rspamdExtra) throws Exception {
        issued = TestCertificates.ec().write(dir.resolve("cert.pem"), dir.resolve("key.pem"), true);
        tern = new RunningServer(dir, "[tls]\ncert = \"cert.pem\"\nkey = \"key.pem\"\n\n[dns]\nnameservers = [\"127.0.0.1:"
                + dns.nameserver().getPort() + "\"]\ntimeout = \"500ms\"\n\n[checks]\nexempt = []\n\n[checks.rspamd]\nurl = \""
                + rspamd.url() + "\"\n" + rspamdExtra, "submission = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("tern.test");
        tern.services().directory().addUser(BOB, "b");
        tern.services().directory().addUser("alice@tern.test", "alice-pw");
    }

    /** Sends as alice over the submission port with STARTTLS and AUTH, as a mail program would. */
    private void submit(String subject, String text) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(tern.port("submission")));
        p.put("mail.smtp.localhost", "laptop.tern.test");
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.socketFactory", issued.trustingClient().getSocketFactory());
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "30000");
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress("alice@tern.test"));
        m.setRecipients(Message.RecipientType.TO, BOB);
        m.setSubject(subject);
        m.setText(text);
        Transport.send(m, "alice@tern.test", "alice-pw");
    }
}
