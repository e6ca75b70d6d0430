package dev.tern.cli;

import dev.tern.testing.InProcessCli;
import dev.tern.testing.InProcessCli.Result;
import dev.tern.testing.RawImapClient;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tern.testing.RawImapClient.last;
import static org.assertj.core.api.Assertions.assertThat;

/** `tern mailbox list` on a mailbox larger than a screen, with a running server beside it. */
class MailboxCommandTest {

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void setUp() {
        tern = new RunningServer(dir, "[imap]\nallow_plaintext_auth = true\n", "imap = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "alicepw");
        try (RawImapClient imap = RawImapClient.loggedIn(tern.port("imap"), "alice@example.test", "alicepw")) {
            for (int i = 1; i <= 120; i++) {
                String m = "From: sender" + i + "@example.org\r\nSubject: number " + i + "\r\n\r\nbody\r\n";
                assertThat(last(imap.command("a" + i, "APPEND INBOX {" + m.length() + "+}\r\n" + m))).startsWith("a" + i + " OK");
            }
            imap.command("s", "SELECT INBOX");
            // Gaps among the newest UIDs: the listing must still show as many messages as asked.
            assertThat(last(imap.command("d", "UID STORE 100:115,3 +FLAGS.SILENT (\\Deleted)"))).startsWith("d OK");
            assertThat(last(imap.command("e", "EXPUNGE"))).startsWith("e OK");
            assertThat(last(imap.command("f", "UID STORE 1:10 +FLAGS.SILENT (\\Seen)"))).startsWith("f OK");
        }
    }

    @AfterEach
    void tearDown() {
        tern.close();
    }

    private Result tern(String... args) {
        return InProcessCli.run(dir.resolve("tern.toml"), null, args);
    }

    private static List<Integer> listedUids(String out) {
        Matcher m = Pattern.compile("(?m)^ +(\\d+)  20").matcher(out);
        List<Integer> uids = new java.util.ArrayList<>();
        while (m.find()) {
            uids.add(Integer.parseInt(m.group(1)));
        }
        return uids;
    }

    @Test
    void theNewestMessagesAreListedWithTheMailboxCountsAboveThem() {
        Result r = tern("mailbox", "list", "alice@example.test");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("(?m)^INBOX +103 message\\(s\\) +94 unseen +[0-9.]+ KB$")
                .containsPattern("(?m)^Archive +0 message\\(s\\) +0 unseen +0 B  \\\\Archive$")
                .endsWith("-- the newest 50 of 103 messages; --limit N for more, 0 for all\n");
        List<Integer> uids = listedUids(r.out());
        assertThat(uids).hasSize(50).isSorted().endsWith(116, 117, 118, 119, 120).doesNotContain(100, 115);
        assertThat(uids.get(0)).isEqualTo(55);   // 116..120, then 99 down to 55
        assertThat(r.out()).contains("sender120@example.org", "number 120").doesNotContain("number 54\n");
    }

    @Test
    void aLimitOfZeroListsEveryMessageAndASmallOneOnlyTheLast() {
        assertThat(listedUids(tern("mailbox", "list", "alice@example.test", "--limit", "0").out()))
                .hasSize(103).startsWith(1, 2, 4).doesNotContain(3);
        Result three = tern("mailbox", "list", "alice@example.test", "-n", "3");
        assertThat(listedUids(three.out())).containsExactly(118, 119, 120);
        assertThat(three.out()).endsWith("-- the newest 3 of 103 messages; --limit N for more, 0 for all\n");
        assertThat(tern("mailbox", "list", "alice@example.test", "--limit", "-1").err())
                .isEqualTo("tern: --limit: must be 0 (all) or more, got -1\n");
    }

    @Test
    void aMailboxSharedFromTheCommandLineIsSeenByTheRunningServerAtOnce() {
        tern.services().directory().addUser("bob@example.test", "bobpw");
        Result shared = tern("mailbox", "share", "alice@example.test", "INBOX", "bob@example.test");
        assertThat(shared.code()).as(shared.err()).isZero();
        assertThat(shared.out()).isEqualTo("bob@example.test has lrs on INBOX of alice@example.test, seen as "
                + "Shared/alice@example.test/INBOX\n");
        try (RawImapClient bob = RawImapClient.loggedIn(tern.port("imap"), "bob@example.test", "bobpw")) {
            assertThat(bob.command("s1", "STATUS Shared/alice@example.test/INBOX (MESSAGES)").get(0))
                    .isEqualTo("* STATUS \"Shared/alice@example.test/INBOX\" (MESSAGES 103)");
            assertThat(tern("mailbox", "share", "alice@example.test", "INBOX", "bob@example.test", "--rights", "+wi")
                    .out()).startsWith("bob@example.test has lrswi on INBOX");
            assertThat(tern("mailbox", "acl", "alice@example.test", "INBOX").out()).containsPattern(
                    "(?m)^alice@example.test +lrswipkxtea\n^bob@example.test +lrswi$");
            assertThat(last(bob.command("m1", "MYRIGHTS Shared/alice@example.test/INBOX")))
                    .startsWith("m1 OK");

            Result wrong = tern("mailbox", "share", "alice@example.test", "INBOX", "bob@example.test", "-r", "lrq");
            assertThat(wrong.code()).isNotZero();
            assertThat(wrong.err()).contains("\"q\" is no right");
            assertThat(tern("mailbox", "share", "alice@example.test", "Nowhere", "bob@example.test").err())
                    .isEqualTo("tern: no mailbox named Nowhere\n");

            assertThat(tern("mailbox", "unshare", "alice@example.test", "INBOX", "bob@example.test").code()).isZero();
            assertThat(last(bob.command("s2", "STATUS Shared/alice@example.test/INBOX (MESSAGES)")))
                    .startsWith("s2 NO [NONEXISTENT]");
        }
    }
}
