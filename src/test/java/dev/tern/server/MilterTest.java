package dev.tern.server;

import dev.tern.store.Rows;
import dev.tern.testing.AngusSubmission;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestMilter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Milters end to end: a Tern whose SMTP sessions are shown to a real libmilter filter (the test
 * milter on pymilter, {@link TestMilter}), which refuses, defers, discards, quarantines and
 * changes messages as each message asks it to; and what Tern does when a filter is missing, slow
 * or on a Unix socket.
 */
class MilterTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String BOB = "bob@tern.test";
    private static final String CAROL = "carol@tern.test";
    private static final String BLOCKED = "blocked@tern.test";

    private static TestMilter milter;

    @TempDir
    Path dir;
    private RunningServer tern;

    @BeforeAll
    static void startMilter(@TempDir Path milterDir) throws IOException {
        milter = TestMilter.onPort(milterDir);
    }

    @AfterAll
    static void stopMilter() {
        if (milter != null) {
            milter.close();
        }
    }

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    private void start(String milterSettings) {
        start(milterSettings, "");
    }

    private void start(String milterSettings, String listeners) {
        tern = new RunningServer(dir, "[checks]\nexempt = [\"127.0.0.0/8\"]\n\n[milter]\n" + milterSettings, listeners, null);
        tern.services().directory().addDomain("tern.test");
        tern.services().directory().addUser(BOB, "bob-pw");
        tern.services().directory().addUser(CAROL, "carol-pw");
        tern.services().directory().addUser(BLOCKED, "blocked-pw");
    }

    private void startFiltered() {
        start("servers = [\"" + milter.socket() + "\"]\n");
    }

    private static String message(String subject, String body) {
        return "From: Alice <alice@sender.test>\r\nTo: Bob <" + BOB + ">\r\nSubject: " + subject + "\r\n"
                + "X-Remove: gone after a rewrite\r\nMessage-ID: <" + UUID.randomUUID() + "@sender.test>\r\n\r\n" + body;
    }

    /** The reply to the end of data of each message, all in one session. */
    private List<String> send(String... contents) throws IOException {
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

    private List<Rows.Message> box(String address, String name) {
        return tern.mailbox(address, name);
    }

    private String only(String address, String name) {
        await().atMost(WAIT).until(() -> !box(address, name).isEmpty());
        List<Rows.Message> messages = box(address, name);
        assertThat(messages).hasSize(1);
        return tern.content(messages.get(0));
    }

    private static String header(String content) {
        return content.substring(0, content.indexOf("\r\n\r\n") + 2);
    }

    @Test
    void theFilterSeesTheSessionAndItsChangesAreStored() throws Exception {
        startFiltered();
        String queued = send(message("please REWRITE this", "the sender's body\r\n")).get(0);
        assertThat(queued).startsWith("250 2.0.0");
        String queueId = queued.substring(queued.lastIndexOf(' ') + 1).strip();

        String stored = only(BOB, "INBOX");
        String header = header(stored);
        assertThat(header).contains("Subject: rewritten by the milter\r\n").doesNotContain("X-Remove")
                .doesNotContain("REWRITE")
                // added at the end of the header, folded with CRLF and white space
                .contains("X-Test-Milter: seen\r\n")
                .contains("X-Test-Milter-Folded: one\r\n\ttwo\r\n")
                .contains("X-Test-Milter-Macros: auth=None auth_type=None client=127.0.0.1 i=" + queueId + " body=19\r\n");
        // inserted at index 1: the top of what the client sent, below Tern's own Received field
        assertThat(header.indexOf("X-Test-Milter-Top: first")).isGreaterThan(header.indexOf("Received: "))
                .isLessThan(header.indexOf("From: Alice"));
        assertThat(header.indexOf("X-Test-Milter: seen")).isGreaterThan(header.indexOf("Message-ID:"));
        assertThat(stored.substring(stored.indexOf("\r\n\r\n") + 4))
                .isEqualTo("The body the milter wrote.\r\nSecond line.\r\n");

        List<String> events = milter.events();
        assertThat(events).anyMatch(e -> e.startsWith("connect [127.0.0.1]") && e.contains("daemon=smtp")
                && e.contains("j=mx.tern.test"));
        assertThat(events).contains("helo mail.sender.test", "mail <alice@sender.test>  auth=None", "rcpt <bob@tern.test> ",
                "data", "eoh 5");
        // the client's fields, without Tern's Received field, and the body as sent
        assertThat(events).anyMatch(e -> e.equals("eom i=" + queueId + " headers=From|To|Subject|X-Remove|Message-ID bodylen=19"));
    }

    @Test
    void refusalsAtEachStepAndTheSessionGoesOn() throws Exception {
        startFiltered();
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 40_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO mail.sender.test"), "250");
            // the filter's own reply at MAIL
            assertThat(c.command("MAIL FROM:<refuse@sender.test>")).startsWith("550 5.7.1 Sender refused by the test milter");
            RawSmtpClient.expect(c.command("MAIL FROM:<alice@sender.test>"), "250");
            // REJECT at RCPT refuses that recipient only
            assertThat(c.command("RCPT TO:<" + BLOCKED + ">")).startsWith("550 5.7.1 Command rejected");
            RawSmtpClient.expect(c.command("RCPT TO:<" + BOB + ">"), "250");
            RawSmtpClient.expect(c.command("DATA"), "354");
            c.send(message("REJECTME now", "x\r\n") + ".\r\n");
            assertThat(c.reply()).startsWith("554 5.7.1 Content refused by the test milter");
            assertThat(c.sendMail("alice@sender.test", List.of(BOB), message("TEMPFAIL please", "x\r\n")))
                    .startsWith("451 4.7.1 ");
            // a transaction given up before its content is aborted for the filter too
            RawSmtpClient.expect(c.command("MAIL FROM:<alice@sender.test>"), "250");
            RawSmtpClient.expect(c.command("RCPT TO:<" + BOB + ">"), "250");
            RawSmtpClient.expect(c.command("RSET"), "250");
            assertThat(c.sendMail("alice@sender.test", List.of(BOB), message("fine", "x\r\n"))).startsWith("250");
            RawSmtpClient.expect(c.command("QUIT"), "221");
        }
        assertThat(only(BOB, "INBOX")).contains("Subject: fine");
        assertThat(box(BLOCKED, "INBOX")).isEmpty();
        assertThat(tern.server().metrics().scrape()).contains("reason=\"milter\"");
        assertThat(milter.events()).contains("abort");
    }

    @Test
    void aRefusalAtConnectAnswersEveryMailAndAnAcceptLeavesTheSessionAlone() throws Exception {
        startFiltered();
        try (RawSmtpClient c = RawSmtpClient.from("127.0.0.2", "127.0.0.1", tern.smtpPort(), 40_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO refused.sender.test"), "250");
            assertThat(c.command("MAIL FROM:<alice@sender.test>")).startsWith("554 5.7.1 Client refused by the test milter");
            assertThat(c.command("MAIL FROM:<alice@sender.test>")).startsWith("554 5.7.1 Client refused by the test milter");
            RawSmtpClient.expect(c.command("QUIT"), "221");
        }
        try (RawSmtpClient c = RawSmtpClient.from("127.0.0.3", "127.0.0.1", tern.smtpPort(), 40_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO accepted.sender.test"), "250");
            assertThat(c.sendMail("alice@sender.test", List.of(BOB), message("REWRITE ignored", "x\r\n"))).startsWith("250");
            RawSmtpClient.expect(c.command("QUIT"), "221");
        }
        assertThat(header(only(BOB, "INBOX"))).contains("Subject: REWRITE ignored").doesNotContain("X-Test-Milter");
        assertThat(milter.events()).as("neither was shown anything after connect")
                .doesNotContain("helo refused.sender.test", "helo accepted.sender.test");
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrderWhileTheFilterIsAsked() throws Exception {
        startFiltered();
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 40_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO mail.sender.test"), "250");
            c.send("MAIL FROM:<alice@sender.test>\r\nRCPT TO:<" + BLOCKED + ">\r\nRCPT TO:<" + BOB + ">\r\nDATA\r\n");
            assertThat(c.reply()).startsWith("250 ");
            assertThat(c.reply()).startsWith("550 5.7.1 ");
            assertThat(c.reply()).startsWith("250 ");
            assertThat(c.reply()).startsWith("354 ");
            c.send(message("pipelined", "x\r\n") + ".\r\nQUIT\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0");
            assertThat(c.reply()).startsWith("221 ");
        }
        assertThat(header(only(BOB, "INBOX"))).contains("Subject: pipelined").contains("X-Test-Milter: seen");
    }

    @Test
    void discardQuarantineAndEnvelopeChanges() throws Exception {
        startFiltered();
        List<String> replies = send(message("DISCARD me", "x\r\n"), message("QUARANTINE me", "x\r\n"),
                message("ADDRCPT:" + CAROL + " CHGFROM:bounces@sender.test", "x\r\n"));
        assertThat(replies).allMatch(r -> r.startsWith("250 2.0.0"));

        String junk = only(BOB, "Junk");
        assertThat(junk).contains("Subject: QUARANTINE me");
        String added = only(CAROL, "INBOX");
        assertThat(added).contains("Subject: ADDRCPT:").startsWith("Return-Path: <bounces@sender.test>");
        // the discarded message went nowhere: Bob's INBOX has only the one with the new recipient
        assertThat(only(BOB, "INBOX")).contains("Subject: ADDRCPT:");
    }

    @Test
    void removingEveryRecipientDropsTheMessage() throws Exception {
        startFiltered();
        assertThat(send(message("DELRCPT:" + BOB, "x\r\n"), message("after", "x\r\n")))
                .allMatch(r -> r.startsWith("250 2.0.0"));
        assertThat(only(BOB, "INBOX")).contains("Subject: after");
    }

    @Test
    void anAcceptLeavesTheMessageAlone() throws Exception {
        startFiltered();
        send(message("ACCEPTNOW", "x\r\n"));
        assertThat(header(only(BOB, "INBOX"))).doesNotContain("X-Test-Milter").contains("X-Remove");
    }

    @Test
    void aFilterAtWorkSaysSoAndIsWaitedFor() throws Exception {
        start("servers = [\"" + milter.socket() + "\"]\ncontent_timeout = \"1s\"\n");
        assertThat(send(message("SLOW to judge", "x\r\n")).get(0)).startsWith("250");
        assertThat(header(only(BOB, "INBOX"))).contains("X-Test-Milter: seen");
    }

    @Test
    void aLargeMessageIsShownInChunksAndStoredWhole() throws Exception {
        startFiltered();
        StringBuilder body = new StringBuilder();
        int line = 0;
        while (body.length() < 3 * 1024 * 1024) {
            body.append("line ").append(line++).append(" of a large message, to be kept byte for byte\r\n");
        }
        String content = message("large", body.toString());
        assertThat(send(content).get(0)).startsWith("250");
        String stored = only(BOB, "INBOX");
        assertThat(stored).contains("X-Test-Milter: seen").endsWith(body.toString());
        assertThat(milter.events()).anyMatch(e -> e.startsWith("eom ") && e.endsWith("bodylen=" + body.length()));
        // held in a file while the filter looked at it, and the file is gone
        assertThat(Files.list(dir.resolve("data/spool/milter"))).isEmpty();
    }

    @Test
    void authenticatedSubmissionIsFilteredWithItsUser() throws Exception {
        start("servers = [\"" + milter.socket() + "\"]\n", "submission = [\"127.0.0.1:0\"]\n");
        AngusSubmission.send(tern.port("submission"), CAROL, "carol-pw", CAROL, BOB, "from a user", "hello");
        assertThat(only(BOB, "INBOX")).contains("X-Test-Milter-Macros: auth=" + CAROL + " auth_type=LOGIN ");
        assertThat(milter.events()).anyMatch(e -> e.startsWith("connect ") && e.contains("daemon=submission"));
    }

    @Test
    void theSendApiIsFilteredWhenListedAsASessionOfItsOwn() throws Exception {
        start("servers = [\"" + milter.socket() + "\"]\nlisteners = [\"http\"]\n", "admin = [\"127.0.0.1:0\"]\n");
        HttpResponse<String> sent = sendApi("please REWRITE this");
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        String stored = only(BOB, "INBOX");
        assertThat(header(stored)).contains("Subject: rewritten by the milter\r\n")
                .contains("X-Test-Milter-Macros: auth=" + CAROL + " auth_type=PLAIN ");
        assertThat(milter.events()).anyMatch(e -> e.startsWith("connect [127.0.0.1]") && e.contains("daemon=http"))
                .contains("helo api", "rcpt <bob@tern.test> ", "data");

        // The filter's refusal of the content is the request's answer, with the code SMTP would give.
        HttpResponse<String> refused = sendApi("REJECTME now");
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("554 5.7.1").contains("Content refused by the test milter");
        assertThat(box(BOB, "INBOX")).hasSize(1);

        // SMTP is not listed: its mail is not shown to the filter.
        send(message("not filtered", "x\r\n"));
        await().atMost(WAIT).until(() -> box(BOB, "INBOX").size() == 2);
        assertThat(tern.content(box(BOB, "INBOX").get(1))).doesNotContain("X-Test-Milter");
    }

    /** A message from Carol to Bob through the HTTP send API, logged in as Carol. */
    private HttpResponse<String> sendApi(String subject) throws Exception {
        String json = """
                {"from": "carol@tern.test", "to": ["bob@tern.test"], "subject": "%s", "text": "from the API"}
                """.formatted(subject);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tern.port("admin") + "/api/send"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (CAROL + ":carol-pw").getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(json)).timeout(Duration.ofSeconds(30)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aListenerLeftOutIsNotFiltered() throws Exception {
        start("servers = [\"" + milter.socket() + "\"]\nlisteners = [\"submission\"]\n");
        send(message("not filtered", "x\r\n"));
        assertThat(header(only(BOB, "INBOX"))).doesNotContain("X-Test-Milter");
    }

    @Test
    void aFilterOnAUnixSocket(@TempDir Path socketDir) throws Exception {
        try (TestMilter onSocket = TestMilter.onUnixSocket(socketDir)) {
            start("servers = [\"" + onSocket.socket() + "\"]\n");
            send(message("over a socket", "x\r\n"));
            assertThat(header(only(BOB, "INBOX"))).contains("X-Test-Milter: seen");
            assertThat(onSocket.events()).anyMatch(e -> e.startsWith("eom "));
        }
    }

    @Test
    void filtersAreAskedInTurnAndEachSeesTheChangesOfThoseBefore(@TempDir Path socketDir) throws Exception {
        try (TestMilter second = TestMilter.onUnixSocket(socketDir)) {
            start("servers = [\"" + milter.socket() + "\", \"" + second.socket() + "\"]\n");
            send(message("REWRITE in turn", "x\r\n"));
            String header = header(only(BOB, "INBOX"));
            assertThat(header.split("X-Test-Milter: seen", -1)).as("added by each").hasSize(3);
            assertThat(second.events()).anyMatch(e -> e.startsWith("eom ")
                    && e.contains(" headers=X-Test-Milter-Top|From|To|Subject|Message-ID|X-Test-Milter|X-Test-Milter-Macros"
                    + "|X-Test-Milter-Folded bodylen=42"));
        }
    }

    @Test
    void contentSentWithBdatIsFilteredToo() throws Exception {
        startFiltered();
        byte[] content = message("by BDAT", "x\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 40_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO mail.sender.test"), "250");
            RawSmtpClient.expect(c.command("MAIL FROM:<alice@sender.test>"), "250");
            RawSmtpClient.expect(c.command("RCPT TO:<" + BOB + ">"), "250");
            c.send("BDAT " + content.length + " LAST\r\n");
            c.sendBytes(content);
            assertThat(c.reply()).startsWith("250 2.0.0");
        }
        assertThat(header(only(BOB, "INBOX"))).contains("X-Test-Milter: seen");
        List<String> events = milter.events();
        int eom = events.size() - 1;
        while (!events.get(eom).startsWith("eom ")) {
            eom--;
        }
        int mail = eom;
        while (!events.get(mail).startsWith("mail ")) {
            mail--;
        }
        assertThat(events.subList(mail, eom)).as("DATA shown before the content").contains("data");
    }

    @Test
    void aMissingFilterDefersMailByDefault() throws Exception {
        start("servers = [\"inet:127.0.0.1:" + closedPort() + "\"]\n");
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 40_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            assertThat(c.command("EHLO mail.sender.test")).startsWith("451 4.3.5 ");
            assertThat(c.command("MAIL FROM:<alice@sender.test>")).startsWith("503");
            assertThat(c.command("HELO again.sender.test")).startsWith("451 4.3.5 ");
        }
        assertThat(box(BOB, "INBOX")).isEmpty();
        assertThat(tern.server().metrics().scrape()).contains("tern_milter_failures_total{milter=\"inet:127.0.0.1:");
    }

    @Test
    void aMissingFilterCanBeLeftOut() throws Exception {
        start("servers = [\"inet:127.0.0.1:" + closedPort() + "\", \"" + milter.socket() + "\"]\non_failure = \"accept\"\n");
        assertThat(send(message("without the first filter", "x\r\n")).get(0)).startsWith("250");
        // the second filter still saw it
        assertThat(header(only(BOB, "INBOX"))).contains("X-Test-Milter: seen");
    }

    @Test
    void aSilentFilterTimesOutAndItsMailIsRefusedWhenSoConfigured() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (!silent.isClosed()) {
                        accepted.add(silent.accept());   // reads nothing, answers nothing
                    }
                } catch (IOException ignored) {
                    // closed at the end of the test
                }
            });
            acceptor.start();
            start("servers = [\"inet:127.0.0.1:" + silent.getLocalPort() + "\"]\non_failure = \"reject\"\n"
                    + "connect_timeout = \"1s\"\ncommand_timeout = \"1s\"\n");
            try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 40_000)) {
                RawSmtpClient.expect(c.reply(), "220");
                assertThat(c.command("EHLO mail.sender.test")).startsWith("550 5.5.0 ");
            }
            silent.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
