package dev.tern.imap.server;

import dev.tern.testing.RawImapClient;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.tern.testing.RawImapClient.last;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * \Recent as RFC 3501 §2.3.2 has it: a message is recent in the first IMAP4rev1 session to select
 * its mailbox after it arrived, or in one session that had the mailbox selected when it arrived;
 * EXAMINE shows it without taking it; IMAP4rev2 sessions (RFC 9051) never hear of it.
 */
class ImapRecentTest {

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() {
        tern = server();
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "recent-pw");
    }

    private RunningServer server() {
        return new RunningServer(dir, "[imap]\nallow_plaintext_auth = true\n", "imap = [\"127.0.0.1:0\"]\n", null);
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private RawImapClient loggedIn() {
        return RawImapClient.loggedIn(tern.port("imap"), "alice@example.test", "recent-pw");
    }

    @Test
    void theFirstSelectTakesNewMessagesAndOthersSeeThemOld() {
        try (RawImapClient a = loggedIn(); RawImapClient b = loggedIn(); RawImapClient c = loggedIn()) {
            a.appendSmall("()", "one");
            a.appendSmall("(\\Seen)", "two");
            assertThat(a.command("st", "STATUS INBOX (MESSAGES RECENT)"))
                    .containsExactly("* STATUS \"INBOX\" (MESSAGES 2 RECENT 2)", "st OK STATUS completed");
            // EXAMINE shows them recent and leaves them so.
            assertThat(a.command("e1", "EXAMINE INBOX")).contains("* 2 RECENT");
            assertThat(a.command("e2", "FETCH 1:* (FLAGS)"))
                    .containsExactly("* 1 FETCH (FLAGS (\\Recent))", "* 2 FETCH (FLAGS (\\Seen \\Recent))", "e2 OK FETCH completed");

            assertThat(b.command("b1", "SELECT INBOX")).contains("* 2 EXISTS", "* 2 RECENT");
            assertThat(b.command("b2", "FETCH 1:* (FLAGS)"))
                    .containsExactly("* 1 FETCH (FLAGS (\\Recent))", "* 2 FETCH (FLAGS (\\Seen \\Recent))", "b2 OK FETCH completed");
            assertThat(b.command("b3", "SEARCH NEW")).containsExactly("* SEARCH 1", "b3 OK SEARCH completed");
            assertThat(b.command("b4", "SEARCH RECENT")).containsExactly("* SEARCH 1 2", "b4 OK SEARCH completed");
            assertThat(b.command("b5", "SEARCH OLD")).containsExactly("* SEARCH", "b5 OK SEARCH completed");
            assertThat(b.command("b6", "STORE 1 +FLAGS (\\Flagged)"))
                    .containsExactly("* 1 FETCH (UID 1 FLAGS (\\Flagged \\Recent))", "b6 OK STORE completed");

            assertThat(c.command("c1", "SELECT INBOX")).contains("* 2 EXISTS", "* 0 RECENT");
            assertThat(c.command("c2", "FETCH 1:* (FLAGS)"))
                    .containsExactly("* 1 FETCH (FLAGS (\\Flagged))", "* 2 FETCH (FLAGS (\\Seen))", "c2 OK FETCH completed");
            assertThat(c.command("c3", "SEARCH OLD")).containsExactly("* SEARCH 1 2", "c3 OK SEARCH completed");
            assertThat(a.command("st", "STATUS INBOX (RECENT)")).contains("* STATUS \"INBOX\" (RECENT 0)");
        }
    }

    @Test
    void aMessageArrivingWhileSelectedIsRecentInOneSessionOnly() {
        try (RawImapClient a = loggedIn(); RawImapClient b = loggedIn(); RawImapClient c = loggedIn()) {
            a.appendSmall("()", "old");
            b.command("b1", "SELECT INBOX");
            c.command("c1", "SELECT INBOX");
            a.appendSmall("()", "new");
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    recentIn(b, "b2") || recentIn(c, "c2"));
            boolean inB = recentIn(b, "b3");
            boolean inC = recentIn(c, "c3");
            assertThat(inB ^ inC).as("recent in exactly one session: b %s, c %s", inB, inC).isTrue();
            // b selected first and took the old message too.
            assertThat(b.command("h1", "SEARCH RECENT"))
                    .containsExactly(inB ? "* SEARCH 1 2" : "* SEARCH 1", "h1 OK SEARCH completed");
            assertThat(c.command("h2", "SEARCH RECENT"))
                    .containsExactly(inC ? "* SEARCH 2" : "* SEARCH", "h2 OK SEARCH completed");

            // Taken once, for good: a restart does not make it recent again.
            tern.close();
        }
        tern = server();
        try (RawImapClient d = loggedIn()) {
            assertThat(d.command("d1", "SELECT INBOX")).contains("* 2 EXISTS", "* 0 RECENT");
        }
    }

    private static boolean recentIn(RawImapClient s, String tag) {
        return s.command(tag, "UID FETCH 2 (FLAGS)").stream()
                .anyMatch(l -> l.startsWith("* 2 FETCH (UID 2 ") && l.contains("\\Recent"));
    }

    @Test
    void idleReportsRecentWithTheNewMessage() {
        try (RawImapClient a = loggedIn(); RawImapClient b = loggedIn()) {
            b.command("b1", "SELECT INBOX");
            b.send("b2 IDLE");
            assertThat(b.readLine()).startsWith("+ ");
            a.appendSmall("()", "pushed");
            assertThat(b.readLine()).isEqualTo("* 1 EXISTS");
            assertThat(b.readLine()).isEqualTo("* 1 RECENT");
            b.send("DONE");
            assertThat(b.until("b2")).last().asString().startsWith("b2 OK");
        }
    }

    @Test
    void imap4rev2SessionsNeitherSeeNorTakeRecent() {
        try (RawImapClient a = loggedIn(); RawImapClient b = loggedIn()) {
            a.appendSmall("()", "one");
            assertThat(last(b.command("en", "ENABLE IMAP4rev2"))).startsWith("en OK");
            List<String> select = b.command("b1", "SELECT INBOX");
            assertThat(select).noneMatch(l -> l.contains("RECENT"));
            assertThat(b.command("b2", "FETCH 1 (FLAGS)")).containsExactly("* 1 FETCH (FLAGS ())", "b2 OK FETCH completed");
            assertThat(a.command("a1", "SELECT INBOX")).contains("* 1 RECENT");
        }
    }
}
