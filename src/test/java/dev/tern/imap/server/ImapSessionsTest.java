package dev.tern.imap.server;

import dev.tern.testing.RawImapClient;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static dev.tern.testing.RawImapClient.last;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions side by side and over time: concurrent sessions see each other's changes at the
 * moments RFC 9051 §7.5.1 allows, STARTTLS cannot be injected into, logins follow the TLS rules,
 * and UIDs, UIDVALIDITY and MODSEQ survive a restart.
 */
class ImapSessionsTest {

    static final String PASSWORD = "sessions-pw";

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() {
        tern = startServer();
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", PASSWORD);
    }

    private RunningServer startServer() {
        return new RunningServer(dir, "", "imap = [\"127.0.0.1:0\"]\nimaps = [\"127.0.0.1:0\"]\n", null);
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    /** A logged-in client on imaps. */
    private RawImapClient loggedIn() throws Exception {
        RawImapClient c = new RawImapClient(tern.port("imaps"));
        SSLSocket tls = (SSLSocket) TestCertificates.trusting(tern.server().tls().certificate()).getSocketFactory()
                .createSocket(c.socket(), "127.0.0.1", tern.port("imaps"), true);
        tls.startHandshake();
        c.replaceSocket(tls);
        assertThat(c.readLine()).startsWith("* OK");
        assertThat(last(c.command("l1", "LOGIN alice@example.test " + PASSWORD))).startsWith("l1 OK");
        return c;
    }

    @Test
    void twoSessionsSeeEachOthersFlagChangesAndExpunges() throws Exception {
        try (RawImapClient a = loggedIn(); RawImapClient b = loggedIn()) {
            a.appendSmall("()", "one");
            a.appendSmall("()", "two");
            a.appendSmall("()", "three");
            a.command("a1", "SELECT INBOX");
            b.command("b1", "SELECT INBOX");

            assertThat(b.command("b2", "STORE 2 +FLAGS.SILENT (\\Deleted)")).containsExactly("b2 OK STORE completed");
            assertThat(a.command("a2", "NOOP")).containsExactly("* 2 FETCH (UID 2 FLAGS (\\Deleted \\Recent))", "a2 OK NOOP completed");

            assertThat(b.command("b3", "EXPUNGE")).containsExactly("* 2 EXPUNGE", "b3 OK EXPUNGE completed");
            // FETCH by sequence number must not be followed by EXPUNGE: the numbers stay as they were.
            List<String> fetch = a.command("a3", "FETCH 3 (UID)");
            assertThat(fetch).containsExactly("* 3 FETCH (UID 3)", "a3 OK FETCH completed");
            assertThat(a.command("a4", "NOOP")).containsExactly("* 2 EXPUNGE", "a4 OK NOOP completed");
            assertThat(a.command("a5", "FETCH 2 (UID)")).containsExactly("* 2 FETCH (UID 3)", "a5 OK FETCH completed");

            b.appendSmall("(\\Seen)", "four");
            // Both sessions have the mailbox selected: the new message is \Recent in whichever claims it first.
            assertThat(a.command("a6", "UID FETCH 4 (FLAGS)").stream().filter(l -> !l.endsWith(" RECENT"))
                    .map(l -> l.replace(" \\Recent", "")))
                    .containsExactly("* 3 EXISTS", "* 3 FETCH (UID 4 FLAGS (\\Seen))", "a6 OK UID FETCH completed");
        }
    }

    @Test
    void searchesOnFlagsSizesAndDatesFollowOtherSessionsChangesAndArrivals() throws Exception {
        try (RawImapClient a = loggedIn(); RawImapClient b = loggedIn()) {
            a.appendSmall("()", "one");
            a.appendSmall("()", "two");
            a.appendSmall("(\\Seen)", "three");
            a.command("a1", "SELECT INBOX");
            b.command("b1", "SELECT INBOX");
            assertThat(a.command("a2", "UID SEARCH UNSEEN").get(0)).isEqualTo("* SEARCH 1 2");

            // What a's earlier search kept is brought up to date by b's flag change and its arrival.
            assertThat(last(b.command("b2", "UID STORE 1 +FLAGS.SILENT (\\Seen \\Flagged)"))).startsWith("b2 OK");
            b.appendSmall("()", "four");
            assertThat(a.command("a3", "UID SEARCH UNSEEN").stream().filter(l -> l.startsWith("* SEARCH")))
                    .containsExactly("* SEARCH 2 4");
            assertThat(a.command("a4", "UID SEARCH FLAGGED").stream().filter(l -> l.startsWith("* SEARCH")))
                    .containsExactly("* SEARCH 1");
            assertThat(last(b.command("b3", "UID STORE 1 -FLAGS.SILENT (\\Flagged)"))).startsWith("b3 OK");
            assertThat(a.command("a5", "UID SEARCH FLAGGED").stream().filter(l -> l.startsWith("* SEARCH")))
                    .containsExactly("* SEARCH");

            // b expunges 2; once a has been told, 2 is neither found nor in what is kept.
            b.command("b4", "UID STORE 2 +FLAGS.SILENT (\\Deleted)");
            assertThat(b.command("b5", "EXPUNGE")).contains("b5 OK EXPUNGE completed");
            assertThat(a.command("a6", "NOOP")).contains("* 2 EXPUNGE");
            assertThat(a.command("a7", "UID SEARCH UNSEEN").get(0)).isEqualTo("* SEARCH 4");
            assertThat(a.command("a8", "SEARCH ALL SMALLER 100000").get(0)).isEqualTo("* SEARCH 1 2 3");

            // A SELECT takes the kept copy, brought up to date by the expunge and a new arrival:
            // UIDs 1, 3, 4, 5 are there, 4 (sequence 3) the first unseen.
            a.appendSmall("()", "five");
            List<String> select = b.command("b6", "SELECT INBOX");
            assertThat(select).contains("* 4 EXISTS", "* OK [UNSEEN 3] first unseen", "b6 OK [READ-WRITE] SELECT completed");
            assertThat(b.command("b7", "FETCH 1:* (UID)")).containsExactly("* 1 FETCH (UID 1)", "* 2 FETCH (UID 3)",
                    "* 3 FETCH (UID 4)", "* 4 FETCH (UID 5)", "b7 OK FETCH completed");
        }
    }

    @Test
    void readOnlyExamineAndImplicitSeen() throws Exception {
        try (RawImapClient a = loggedIn()) {
            a.appendSmall("()", "unread");
            assertThat(last(a.command("e1", "EXAMINE INBOX"))).isEqualTo("e1 OK [READ-ONLY] EXAMINE completed");
            a.command("e2", "FETCH 1 BODY[]");
            // EXAMINE shows the new message as \Recent but leaves it to the next SELECT.
            assertThat(a.command("e3", "FETCH 1 FLAGS").get(0)).isEqualTo("* 1 FETCH (FLAGS (\\Recent))");
            assertThat(last(a.command("e4", "STORE 1 +FLAGS (\\Seen)"))).startsWith("e4 NO [READ-ONLY]");
            a.command("s1", "SELECT INBOX");
            assertThat(a.command("s2", "FETCH 1 BODY[HEADER]").get(0)).endsWith(" FLAGS (\\Seen \\Recent))");
        }
    }

    @Test
    void condstoreModSeqAndUnchangedSince() throws Exception {
        try (RawImapClient a = loggedIn()) {
            a.appendSmall("()", "one");
            List<String> select = a.command("c1", "SELECT INBOX (CONDSTORE)");
            String highest = select.stream().filter(l -> l.startsWith("* OK [HIGHESTMODSEQ ")).findFirst().orElseThrow();
            long modSeq = Long.parseLong(highest.replaceAll("\\D+(\\d+).*", "$1"));
            List<String> store = a.command("c2", "STORE 1 +FLAGS (\\Flagged)");
            assertThat(store.get(0)).startsWith("* 1 FETCH (UID 1 FLAGS (\\Flagged \\Recent) MODSEQ (");
            assertThat(last(a.command("c3", "STORE 1 (UNCHANGEDSINCE " + modSeq + ") +FLAGS (\\Seen)")))
                    .isEqualTo("c3 OK [MODIFIED 1] conditional STORE failed for some messages");
            assertThat(a.command("c4", "FETCH 1:* (FLAGS) (CHANGEDSINCE " + modSeq + ")").get(0))
                    .startsWith("* 1 FETCH (FLAGS (\\Flagged \\Recent) MODSEQ (");
        }
    }

    @Test
    void startTlsDiscardsPipelinedPlaintext() throws Exception {
        try (RawImapClient c = new RawImapClient(tern.port("imap"))) {
            assertThat(c.readLine()).contains("STARTTLS", "LOGINDISABLED");
            assertThat(last(c.command("p1", "LOGIN alice@example.test " + PASSWORD))).startsWith("p1 NO [PRIVACYREQUIRED]");
            // The injected command travels in the same packet as STARTTLS.
            c.sendBytes("t1 STARTTLS\r\nt2 CAPABILITY\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.readLine()).isEqualTo("t1 OK Begin TLS negotiation now");
            SSLSocket tls = (SSLSocket) TestCertificates.trusting(tern.server().tls().certificate()).getSocketFactory()
                    .createSocket(c.socket(), "127.0.0.1", tern.port("imap"), true);
            tls.startHandshake();
            c.replaceSocket(tls);
            List<String> caps = c.command("t3", "CAPABILITY");
            // Only t3's answer: t2 was dropped, not run inside TLS.
            assertThat(caps).hasSize(2);
            assertThat(caps.get(0)).startsWith("* CAPABILITY").doesNotContain("STARTTLS", "LOGINDISABLED");
            String plain = Base64.getEncoder().encodeToString(("\0alice@example.test\0" + PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(last(c.command("t4", "AUTHENTICATE PLAIN " + plain))).startsWith("t4 OK [CAPABILITY ");
        }
    }

    @Test
    void authenticateWithoutInitialResponseAndCancel() throws Exception {
        try (RawImapClient c = new RawImapClient(tern.port("imaps"))) {
            SSLSocket tls = (SSLSocket) TestCertificates.trusting(tern.server().tls().certificate()).getSocketFactory()
                    .createSocket(c.socket(), "127.0.0.1", tern.port("imaps"), true);
            tls.startHandshake();
            c.replaceSocket(tls);
            c.readLine();
            c.send("a1 AUTHENTICATE PLAIN");
            assertThat(c.readLine()).isEqualTo("+ ");
            c.send("*");
            assertThat(c.readLine()).startsWith("a1 BAD");
            c.send("a2 AUTHENTICATE PLAIN");
            assertThat(c.readLine()).isEqualTo("+ ");
            c.send(Base64.getEncoder().encodeToString(("\0alice@example.test\0" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
            assertThat(c.readLine()).startsWith("a2 OK [CAPABILITY ");
        }
    }

    @Test
    void uidsUidValidityAndModSeqSurviveARestart() throws Exception {
        List<String> before;
        try (RawImapClient a = loggedIn()) {
            a.appendSmall("(\\Flagged)", "one");
            a.appendSmall("()", "two");
            a.command("x1", "EXPUNGE");
            before = a.command("x2", "STATUS INBOX (UIDVALIDITY UIDNEXT HIGHESTMODSEQ MESSAGES)");
        }
        tern.close();
        tern = startServer();
        try (RawImapClient a = loggedIn()) {
            assertThat(a.command("y1", "STATUS INBOX (UIDVALIDITY UIDNEXT HIGHESTMODSEQ MESSAGES)").get(0))
                    .isEqualTo(before.get(0));
            a.command("y2", "SELECT INBOX");
            assertThat(a.command("y3", "FETCH 1:* (UID FLAGS)"))
                    .containsExactly("* 1 FETCH (UID 1 FLAGS (\\Flagged \\Recent))", "* 2 FETCH (UID 2 FLAGS (\\Recent))",
                            "y3 OK FETCH completed");
        }
    }

    @Test
    void idleSessionHearsOfFlagChangesAndExpungesAsTheyHappen() throws Exception {
        try (RawImapClient watcher = loggedIn(); RawImapClient other = loggedIn()) {
            other.appendSmall("()", "one");
            other.appendSmall("()", "two");
            watcher.command("w1", "SELECT INBOX");
            watcher.send("w2 IDLE");
            assertThat(watcher.readLine()).startsWith("+ ");
            other.command("o1", "SELECT INBOX");
            other.command("o2", "STORE 1 +FLAGS.SILENT (\\Deleted)");
            assertThat(watcher.readLine()).isEqualTo("* 1 FETCH (UID 1 FLAGS (\\Deleted \\Recent))");
            other.command("o3", "EXPUNGE");
            assertThat(watcher.readLine()).isEqualTo("* 1 EXPUNGE");
            watcher.send("DONE");
            assertThat(watcher.readLine()).isEqualTo("w2 OK IDLE terminated");
            assertThat(watcher.command("w3", "FETCH 1 (UID)")).containsExactly("* 1 FETCH (UID 2)", "w3 OK FETCH completed");
        }
    }

    @Test
    void enableNamespaceIdAndSubscribedList() throws Exception {
        try (RawImapClient c = loggedIn()) {
            assertThat(c.command("e1", "ENABLE CONDSTORE UTF8=ACCEPT X-UNKNOWN"))
                    .containsExactly("* ENABLED CONDSTORE UTF8=ACCEPT", "e1 OK ENABLE completed");
            assertThat(c.command("e2", "NAMESPACE").get(0)).isEqualTo("* NAMESPACE ((\"\" \"/\")) ((\"Shared/\" \"/\")) NIL");
            assertThat(c.command("e3", "ID (\"name\" \"test\")").get(0)).isEqualTo("* ID (\"name\" \"Tern\")");
            assertThat(c.command("e4", "CREATE \"Später\"")).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .startsWith("e4 OK [MAILBOXID (").endsWith(")] CREATE completed");
            assertThat(c.command("e5", "LIST (SUBSCRIBED) \"\" \"*\" RETURN (CHILDREN)"))
                    .contains("* LIST (\\HasNoChildren \\Subscribed \\Sent) \"/\" \"Sent\"")
                    .noneMatch(l -> l.contains("Später"));
            assertThat(c.command("e6", "LIST \"\" Sp*")).contains("* LIST (\\HasNoChildren) \"/\" \"Später\"");
        }
    }

    @Test
    void overlongLineIsRefusedAndTheSessionGoesOn() throws Exception {
        try (RawImapClient c = loggedIn()) {
            c.send("x1 LIST \"\" \"" + "a".repeat(70_000) + "\"");
            assertThat(c.readLine()).isEqualTo("x1 BAD command line too long");
            assertThat(c.command("x2", "NOOP")).containsExactly("x2 OK NOOP completed");
        }
    }
}
