package dev.tern.pop3;

import dev.tern.directory.Account;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MessageService;
import dev.tern.testing.RawPop3Client;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Exact POP3 exchanges with a running server, over raw sockets. */
class Pop3ServerTest {

    static final String LISTENERS = "pop3 = [\"127.0.0.1:0\"]\npop3s = [\"127.0.0.1:0\"]\n";
    static final String PASSWORD = "tanstaaf-pw";

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() {
        start(true);
    }

    private void start(boolean plaintext) {
        Path home = dir.resolve(plaintext ? "plaintext" : "tls-only");
        try {
            java.nio.file.Files.createDirectories(home);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        tern = new RunningServer(home, "[pop3]\nallow_plaintext_auth = " + plaintext + "\n", LISTENERS, null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("mrose@example.test", PASSWORD);
        tern.services().directory().addUser("other@example.test", PASSWORD);
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private long inbox(String address) {
        Account a = tern.services().directory().user(address).orElseThrow();
        return tern.services().mailboxes().mailbox(a.id(), "INBOX").orElseThrow().id();
    }

    private void put(String address, String content) {
        MessageService messages = tern.services().mailboxes().messageService();
        messages.append(inbox(address), content.getBytes(StandardCharsets.UTF_8), Flags.NONE, Instant.now());
    }

    private RawPop3Client login(String address) throws Exception {
        RawPop3Client c = new RawPop3Client(tern.port("pop3"));
        assertThat(c.line()).startsWith("+OK");
        assertThat(c.command("USER " + address)).startsWith("+OK");
        assertThat(c.command("PASS " + PASSWORD)).startsWith("+OK");
        return c;
    }

    private SSLContext trust() {
        return TestCertificates.trusting(tern.server().tls().certificate());
    }

    static String message(int n, int octets) {
        String head = "Subject: message " + n + "\r\n\r\n";
        return head + "x".repeat(octets - head.length() - 2) + "\r\n";
    }

    @Test
    void theSessionOfRfc1939Section10() throws Exception {
        put("mrose@example.test", message(1, 120));
        put("mrose@example.test", message(2, 200));
        try (RawPop3Client c = new RawPop3Client(tern.port("pop3"))) {
            assertThat(c.line()).startsWith("+OK ");
            assertThat(c.command("USER mrose@example.test")).startsWith("+OK");
            assertThat(c.command("PASS " + PASSWORD)).isEqualTo("+OK maildrop has 2 messages (320 octets)");
            assertThat(c.command("STAT")).isEqualTo("+OK 2 320");
            assertThat(c.command("LIST")).startsWith("+OK 2 messages");
            assertThat(c.multiline()).containsExactly("1 120", "2 200");
            assertThat(c.command("RETR 1")).isEqualTo("+OK 120 octets");
            assertThat(new String(c.multilineBytes(), StandardCharsets.UTF_8)).isEqualTo(message(1, 120));
            assertThat(c.command("DELE 1")).isEqualTo("+OK message 1 deleted");
            assertThat(c.command("RETR 2")).isEqualTo("+OK 200 octets");
            assertThat(c.multilineBytes()).hasSize(200);
            assertThat(c.command("DELE 2")).isEqualTo("+OK message 2 deleted");
            assertThat(c.command("QUIT")).startsWith("+OK");
            assertThat(c.isClosedByPeer()).isTrue();
        }
        assertThat(tern.inbox("mrose@example.test")).isEmpty();
    }

    @Test
    void listUidlTopAndErrorsLeaveTheSessionGoing() throws Exception {
        put("mrose@example.test", "Subject: a\r\n\r\nline 1\r\n.line 2\r\nline 3\r\n");
        put("mrose@example.test", message(2, 100));
        long uidValidity = tern.services().mailboxes().status(inbox("mrose@example.test")).uidValidity();
        try (RawPop3Client c = login("mrose@example.test")) {
            assertThat(c.command("UIDL")).startsWith("+OK");
            assertThat(c.multiline()).containsExactly("1 " + uidValidity + "-1", "2 " + uidValidity + "-2");
            assertThat(c.command("UIDL 2")).isEqualTo("+OK 2 " + uidValidity + "-2");
            assertThat(c.command("LIST 2")).isEqualTo("+OK 2 100");
            assertThat(c.command("TOP 1 1")).startsWith("+OK");
            assertThat(c.multiline()).containsExactly("Subject: a", "", "line 1");
            assertThat(c.command("TOP 1 5")).startsWith("+OK");
            assertThat(c.multiline()).containsExactly("Subject: a", "", "line 1", ".line 2", "line 3");
            assertThat(c.command("LIST 3")).startsWith("-ERR");
            assertThat(c.command("RETR x")).startsWith("-ERR");
            assertThat(c.command("FROB")).startsWith("-ERR");
            assertThat(c.command("USER again")).startsWith("-ERR");
            assertThat(c.command("DELE 1")).startsWith("+OK");
            assertThat(c.command("DELE 1")).isEqualTo("-ERR message 1 already deleted");
            assertThat(c.command("RETR 1")).startsWith("-ERR");
            assertThat(c.command("STAT")).isEqualTo("+OK 1 100");
            assertThat(c.command("RSET")).startsWith("+OK maildrop has 2 messages");
            assertThat(c.command("NOOP")).isEqualTo("+OK");
            assertThat(c.command("LIST " + "9".repeat(2000))).isEqualTo("-ERR line too long");
            assertThat(c.command("STAT")).isEqualTo("+OK 2 " + (tern.inbox("mrose@example.test").get(0).size() + 100));
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        assertThat(tern.inbox("mrose@example.test")).hasSize(2);
    }

    @Test
    void deletionsHappenOnlyAtQuit() throws Exception {
        put("mrose@example.test", message(1, 100));
        put("mrose@example.test", message(2, 100));
        try (RawPop3Client c = login("mrose@example.test")) {
            assertThat(c.command("DELE 1")).startsWith("+OK");
            assertThat(c.command("DELE 2")).startsWith("+OK");
        }   // connection dropped without QUIT
        await().atMost(Duration.ofSeconds(10)).until(() ->
                tern.services().mailboxes().maildropLocks().tryLock(accountId("mrose@example.test"))
                        .map(l -> { l.close(); return true; }).orElse(false));
        assertThat(tern.inbox("mrose@example.test")).hasSize(2);

        try (RawPop3Client c = login("mrose@example.test")) {
            assertThat(c.command("DELE 2")).startsWith("+OK");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        assertThat(tern.inbox("mrose@example.test")).extracting(m -> m.uid()).containsExactly(1L);
        try (RawPop3Client c = login("mrose@example.test")) {
            assertThat(c.command("UIDL")).startsWith("+OK");
            assertThat(c.multiline()).singleElement().asString().endsWith("-1");
        }
    }

    private long accountId(String address) {
        return tern.services().directory().user(address).orElseThrow().id();
    }

    @Test
    void aSecondSessionOnTheMaildropIsRefusedInUse() throws Exception {
        try (RawPop3Client first = login("mrose@example.test");
             RawPop3Client second = new RawPop3Client(tern.port("pop3"))) {
            second.line();
            second.command("USER mrose@example.test");
            assertThat(second.command("PASS " + PASSWORD)).startsWith("-ERR [IN-USE]");
            try (RawPop3Client otherUser = login("other@example.test")) {
                assertThat(otherUser.command("STAT")).isEqualTo("+OK 0 0");
            }
            assertThat(first.command("QUIT")).startsWith("+OK");
            assertThat(first.isClosedByPeer()).isTrue();
            second.command("USER mrose@example.test");
            assertThat(second.command("PASS " + PASSWORD)).startsWith("+OK");
        }
    }

    @Test
    void wrongPasswordsFailWithAuthCodeAndNothingInternalShows() throws Exception {
        try (RawPop3Client c = new RawPop3Client(tern.port("pop3"))) {
            c.line();
            assertThat(c.command("PASS x")).startsWith("-ERR");
            assertThat(c.command("STAT")).startsWith("-ERR");
            c.command("USER mrose@example.test");
            assertThat(c.command("PASS wrong")).isEqualTo("-ERR [AUTH] authentication failed");
            c.command("USER nobody@example.test");
            assertThat(c.command("PASS wrong")).isEqualTo("-ERR [AUTH] authentication failed");
            assertThat(c.command("AUTH NOPE")).startsWith("-ERR");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
    }

    @Test
    void aMessageOfFiveMegabytesIsStreamedDotStuffed() throws Exception {
        StringBuilder sb = new StringBuilder("Subject: big\r\n\r\n");
        int i = 0;
        while (sb.length() < 5 * 1024 * 1024) {
            sb.append(i % 7 == 0 ? "." : "").append("line ").append(i++).append(" of a big message, with some text\r\n");
        }
        String big = sb.toString();
        put("mrose@example.test", big);
        try (RawPop3Client c = login("mrose@example.test")) {
            assertThat(c.command("RETR 1")).isEqualTo("+OK " + big.length() + " octets");
            byte[] got = c.multilineBytes();
            assertThat(got.length).isEqualTo(big.length());
            assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo(big);
            assertThat(c.command("NOOP")).isEqualTo("+OK");
        }
    }

    @Test
    void stlsThenAuthPlain() throws Exception {
        tern.close();
        start(false);
        put("mrose@example.test", message(1, 100));
        try (RawPop3Client c = new RawPop3Client(tern.port("pop3"))) {
            c.line();
            assertThat(c.command("CAPA")).startsWith("+OK");
            List<String> before = c.multiline();
            assertThat(before).contains("STLS", "UIDL", "TOP", "RESP-CODES").doesNotContain("USER");
            assertThat(c.command("USER mrose@example.test")).startsWith("-ERR [AUTH]");
            assertThat(c.command("AUTH PLAIN " + plain())).startsWith("-ERR [AUTH]");
            assertThat(c.command("STLS")).startsWith("+OK");
            c.startTls(trust());
            assertThat(c.command("CAPA")).startsWith("+OK");
            List<String> after = c.multiline();
            assertThat(after).contains("USER").doesNotContain("STLS");
            assertThat(after).anyMatch(l -> l.startsWith("SASL ") && l.contains("PLAIN"));
            assertThat(c.command("STLS")).startsWith("-ERR");
            assertThat(c.command("AUTH PLAIN")).isEqualTo("+ ");
            assertThat(c.command(plain())).isEqualTo("+OK maildrop has 1 messages (100 octets)");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
    }

    @Test
    void commandsPipelinedAfterStlsAreDiscardedNotRunUnderTls() throws Exception {
        try (RawPop3Client c = new RawPop3Client(tern.port("pop3"))) {
            c.line();
            c.send("STLS\r\nUSER mrose@example.test\r\n");
            assertThat(c.line()).startsWith("+OK");
            c.startTls(trust());
            // Had the plaintext USER been kept, it would now count as sent over TLS and PASS would log in.
            assertThat(c.command("PASS " + PASSWORD)).startsWith("-ERR");
            assertThat(c.command("USER mrose@example.test")).startsWith("+OK");
            assertThat(c.command("PASS " + PASSWORD)).startsWith("+OK maildrop");
        }
    }

    @Test
    void aServerThatStopsEndsItsSessionsSayingWhy() throws Exception {
        put("mrose@example.test", message(1, 100));
        try (RawPop3Client c = login("mrose@example.test")) {
            assertThat(c.command("DELE 1")).startsWith("+OK");
            tern.close();
            assertThat(c.line()).isEqualTo("-ERR [SYS/TEMP] server shutting down; nothing was deleted");
            assertThat(c.isClosedByPeer()).isTrue();
        }
    }

    @Test
    void pop3sSpeaksTlsFromTheFirstByte() throws Exception {
        try (RawPop3Client c = new RawPop3Client(tern.port("pop3s"), trust())) {
            assertThat(c.line()).startsWith("+OK");
            assertThat(c.command("CAPA")).startsWith("+OK");
            assertThat(c.multiline()).contains("USER").doesNotContain("STLS");
            assertThat(c.command("AUTH PLAIN " + plain())).startsWith("+OK");
            assertThat(c.command("STAT")).isEqualTo("+OK 0 0");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
    }

    @Test
    void scramSha256WorksOverPop3() throws Exception {
        try (RawPop3Client c = new RawPop3Client(tern.port("pop3s"), trust())) {
            c.line();
            var client = new dev.tern.auth.client.ScramSha256Mechanism(null, "mrose@example.test", PASSWORD);
            byte[] first = client.initialResponse();
            String challenge = c.command("AUTH SCRAM-SHA-256 " + Base64.getEncoder().encodeToString(first));
            assertThat(challenge).startsWith("+ ");
            byte[] answer = client.evaluateChallenge(Base64.getDecoder().decode(challenge.substring(2)));
            String last = c.command(Base64.getEncoder().encodeToString(answer));
            assertThat(last).startsWith("+ ");    // server-final data, then an empty answer
            client.evaluateChallenge(Base64.getDecoder().decode(last.substring(2)));
            assertThat(c.command("")).startsWith("+OK");
        }
    }

    private static String plain() {
        return Base64.getEncoder().encodeToString(("\0mrose@example.test\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }
}
