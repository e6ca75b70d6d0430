package dev.tern.imap.server;

import dev.tern.testing.RawImapClient;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.tern.testing.RawImapClient.last;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SELECT and flag fetches over a mailbox larger than the few messages a client looks up one by
 * one: the answers must be those of the index, with other sessions' changes and expunges
 * reported at the right moments.
 */
class ImapLargeMailboxTest {

    static final int COUNT = 150;

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() {
        tern = RunningServer.plainImap(dir, "large-pw", "alice@example.test");
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private RawImapClient loggedIn() {
        return RawImapClient.loggedIn(tern.port("imap"), "alice@example.test", "large-pw");
    }

    /** Message n (from 1) is \Seen unless n is 40, and carries $Odd when odd. */
    private static void fill(RawImapClient c) {
        for (int n = 1; n <= COUNT; n++) {
            String flags = (n == 40 ? "" : "\\Seen") + (n % 2 == 1 ? " $Odd" : "");
            String m = "Subject: message " + n + "\r\nMessage-ID: <m" + n + "@example.test>\r\n\r\nbody " + n + "\r\n";
            assertThat(last(c.command("ap", "APPEND INBOX (" + flags.strip() + ") {" + m.length() + "+}\r\n" + m)))
                    .startsWith("ap OK");
        }
    }

    private static String flagsOf(int n) {
        List<String> f = new ArrayList<>();
        if (n != 40) {
            f.add("\\Seen");
        }
        if (n % 2 == 1) {
            f.add("$Odd");
        }
        f.add("\\Recent");    // the session that fills the mailbox is the first to select it
        return "(" + String.join(" ", f) + ")";
    }

    @Test
    void selectAndFlagFetchesAnswerFromTheIndex() {
        try (RawImapClient a = loggedIn()) {
            fill(a);
            List<String> select = a.command("s1", "SELECT INBOX");
            assertThat(select).contains("* " + COUNT + " EXISTS", "* OK [UNSEEN 40] first unseen",
                    "* OK [UIDNEXT " + (COUNT + 1) + "] predicted next UID");

            List<String> uidFetch = a.command("f1", "UID FETCH 1:* (FLAGS)");
            assertThat(uidFetch).hasSize(COUNT + 1);
            for (int n = 1; n <= COUNT; n++) {
                assertThat(uidFetch.get(n - 1)).isEqualTo("* " + n + " FETCH (UID " + n + " FLAGS " + flagsOf(n) + ")");
            }
            assertThat(last(uidFetch)).isEqualTo("f1 OK UID FETCH completed");

            // Items come back in the order asked; MODSEQ joins once CONDSTORE is on.
            List<String> fetch = a.command("f2", "FETCH 71:* (FLAGS UID)");
            assertThat(fetch).hasSize(COUNT - 70 + 1);
            assertThat(fetch.get(0)).isEqualTo("* 71 FETCH (FLAGS " + flagsOf(71) + " UID 71)");
            List<String> withModSeq = a.command("f3", "FETCH 1:* (FLAGS) (CHANGEDSINCE 1)");
            assertThat(withModSeq).hasSize(COUNT + 1);
            assertThat(withModSeq.get(1)).matches("\\* 2 FETCH \\(FLAGS \\(\\\\Seen \\\\Recent\\) MODSEQ \\(\\d+\\)\\)");
        }
    }

    @Test
    void flagFetchesFollowOtherSessionsChanges() {
        try (RawImapClient a = loggedIn(); RawImapClient b = loggedIn()) {
            fill(a);
            a.command("s1", "SELECT INBOX");
            b.command("s2", "SELECT INBOX");
            // Selected again: the messages were this session's \Recent ones before, not any more.
            List<String> changed = a.command("c1", "SELECT INBOX (CONDSTORE)");
            long highest = Long.parseLong(changed.stream().filter(l -> l.startsWith("* OK [HIGHESTMODSEQ "))
                    .findFirst().orElseThrow().replaceAll("\\D+(\\d+).*", "$1"));

            // Flags read once before the changes, so that the next full fetch takes only what changed.
            assertThat(a.command("a0", "UID FETCH 1:* (FLAGS)")).anyMatch(l -> l.startsWith("* 130 FETCH (UID 130 FLAGS (\\Seen) MODSEQ"));

            assertThat(last(b.command("b1", "UID STORE 100:120 +FLAGS.SILENT (\\Deleted)"))).startsWith("b1 OK");
            assertThat(last(b.command("b2", "UID STORE 130 -FLAGS.SILENT (\\Seen)"))).startsWith("b2 OK");
            assertThat(b.command("b3", "UID EXPUNGE 110:120")).hasSize(12);

            // A FETCH by UID reports the expunges before the answer; the other changes too.
            List<String> after = a.command("a1", "UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + highest + ")");
            assertThat(after).filteredOn(l -> l.endsWith(" EXPUNGE")).hasSize(11);
            List<String> fetches = after.stream().filter(l -> l.contains(" FETCH (UID ")).distinct().toList();
            assertThat(fetches).anyMatch(l -> l.startsWith("* 100 FETCH (UID 100 FLAGS (\\Seen \\Deleted)"));
            assertThat(fetches).anyMatch(l -> l.startsWith("* 119 FETCH (UID 130 FLAGS ()"));
            assertThat(fetches).noneMatch(l -> l.contains("UID 110 "));
            // The changed ones still there, no other (130 twice: announced, then answered after the expunges).
            assertThat(fetches.stream().map(l -> l.replaceAll(".*\\(UID (\\d+) .*", "$1")).distinct())
                    .containsExactly("100", "101", "102", "103", "104", "105", "106", "107", "108", "109", "130");
            assertThat(last(after)).isEqualTo("a1 OK UID FETCH completed");

            List<String> all = a.command("a2", "FETCH 1:* (UID FLAGS)");
            assertThat(all).hasSize(COUNT - 11 + 1);
            assertThat(all.get(COUNT - 11 - 1)).startsWith("* " + (COUNT - 11) + " FETCH (UID " + COUNT + " FLAGS (\\Seen)");
            assertThat(all).anyMatch(l -> l.startsWith("* 119 FETCH (UID 130 FLAGS () MODSEQ"))
                    .anyMatch(l -> l.startsWith("* 100 FETCH (UID 100 FLAGS (\\Seen \\Deleted) MODSEQ"))
                    .noneMatch(l -> l.contains("UID 110 "));
        }
    }

    @Test
    void headerSearchesUseTheIndexAndReadOlderContentsOnce() {
        long inbox;
        try (RawImapClient a = loggedIn()) {
            fill(a);
            String folded = "Subject: a folded\r\n\tzanzibar line\r\nX-Filler: " + "f".repeat(70_000)
                    + "\r\n\r\nlong header\r\n";
            assertThat(last(a.command("ap", "APPEND INBOX {" + folded.length() + "+}\r\n" + folded))).startsWith("ap OK");
            var account = tern.services().directory().user("alice@example.test").orElseThrow();
            inbox = tern.services().mailboxes().mailbox(account.id(), "INBOX").orElseThrow().id();
            // Stored as before the index kept headers: a content without its header, delivered with a prefix.
            tern.services().metadata().writeAndWait(tx -> {
                tx.blobs().insertInline("old-content", "Subject: Old ZANZIBAR\r\n\r\nold\r\n".getBytes(), 0);
                tx.blobs().addRefs("old-content", 1);
                return tx.mailboxes().append(inbox, "old-content", "Return-Path: <bounce@zanzibar.test>\r\n", 40,
                        java.time.Instant.now(), 0, "");
            });
            String blobOf7 = tern.inbox("alice@example.test").get(6).blobId();
            assertThat((boolean) tern.services().metadata().read(tx -> tx.blobs().hasHeader(blobOf7))).isTrue();
            assertThat((boolean) tern.services().metadata().read(tx -> tx.blobs().hasHeader("old-content"))).isFalse();

            a.command("s1", "SELECT INBOX");
            HeaderSections.clear();
            assertThat(a.command("q1", "UID SEARCH HEADER Subject \"zanzibar\""))
                    .containsExactly("* SEARCH 151 152", "q1 OK UID SEARCH completed");
            assertThat(a.command("q2", "SEARCH HEADER Message-ID \"<m7@\" SUBJECT \"message\""))
                    .containsExactly("* SEARCH 7", "q2 OK SEARCH completed");
            assertThat(a.command("q3", "UID SEARCH HEADER return-path zanzibar"))
                    .containsExactly("* SEARCH 152", "q3 OK UID SEARCH completed");
            assertThat(a.command("q4", "SEARCH HEADER X-Filler \"\" NOT SUBJECT message"))
                    .containsExactly("* SEARCH 151", "q4 OK SEARCH completed");
            // The older content's header was read once and is kept now.
            assertThat((boolean) tern.services().metadata().read(tx -> tx.blobs().hasHeader("old-content"))).isTrue();
        }
        tern.close();
        HeaderSections.clear();
        tern = new RunningServer(dir, "[imap]\nallow_plaintext_auth = true\n", "imap = [\"127.0.0.1:0\"]\n", null);
        try (RawImapClient a = loggedIn()) {
            a.command("s1", "SELECT INBOX");
            assertThat(a.command("q5", "UID SEARCH OR SUBJECT zanzibar FROM nobody"))
                    .containsExactly("* SEARCH 151 152", "q5 OK UID SEARCH completed");
        }
    }

    @Test
    void repeatedHeaderSearchesSeeNewChangedAndExpungedMessages() {
        try (RawImapClient a = loggedIn(); RawImapClient b = loggedIn()) {
            fill(a);
            a.command("s1", "SELECT INBOX");
            b.command("s2", "SELECT INBOX");
            assertThat(a.command("q1", "UID SEARCH SUBJECT \"message 14\""))
                    .containsExactly("* SEARCH 14 140 141 142 143 144 145 146 147 148 149", "q1 OK UID SEARCH completed");
            // The same field again, now with keys the kept values do not answer alone.
            assertThat(a.command("q2", "UID SEARCH SUBJECT \"message 14\" UNSEEN"))
                    .containsExactly("* SEARCH", "q2 OK UID SEARCH completed");
            assertThat(last(b.command("b1", "UID STORE 145 -FLAGS.SILENT (\\Seen)"))).startsWith("b1 OK");
            assertThat(b.command("b2", "UID STORE 141 +FLAGS.SILENT (\\Deleted)")).hasSize(1);
            assertThat(b.command("b3", "UID EXPUNGE 141")).hasSize(2);
            String m = "Subject: =?UTF-8?Q?message_14_encoded?=\r\n\r\nnew\r\n";
            assertThat(last(b.command("b4", "APPEND INBOX {" + m.length() + "+}\r\n" + m))).startsWith("b4 OK");

            // 141 is still in this session's view (its EXPUNGE comes with this command's answer).
            List<String> again = a.command("q3", "UID SEARCH SUBJECT \"MESSAGE 14\"");
            assertThat(again).contains("* SEARCH 14 140 141 142 143 144 145 146 147 148 149 151", "* 141 EXPUNGE",
                    "q3 OK UID SEARCH completed");
            // (The new message's \Recent may be announced with either answer.)
            assertThat(a.command("q4", "UID SEARCH SUBJECT \"message 14\" UNSEEN"))
                    .contains("* SEARCH 145 151", "q4 OK UID SEARCH completed");
            assertThat(a.command("q5", "SEARCH HEADER subject \"14 ENCODED\""))
                    .contains("* SEARCH 150", "q5 OK SEARCH completed");
            // Another session of the same mailbox answers from the same values.
            assertThat(b.command("q6", "UID SEARCH NOT SUBJECT message"))
                    .contains("* SEARCH", "q6 OK UID SEARCH completed");
        }
    }

    @Test
    void bodiesOfManyMessagesComeWhole() {
        try (RawImapClient a = loggedIn()) {
            fill(a);
            // Kept inline but streamed (over 16 KiB), then one in the blob store (over 64 KiB).
            String inline = "Subject: inline\r\n\r\n" + "0123456789abcdef\r\n".repeat(2_000);
            String file = "Subject: file\r\n\r\n" + "fedcba9876543210\r\n".repeat(4_000);
            for (String m : List.of(inline, file)) {
                assertThat(last(a.command("ap", "APPEND INBOX {" + m.length() + "+}\r\n" + m))).startsWith("ap OK");
            }
            var account = tern.services().directory().user("alice@example.test").orElseThrow();
            String prefix = "Return-Path: <s@example.test>\r\n";
            String delivered = "Subject: delivered\r\n\r\nhi\r\n";
            tern.services().metadata().writeAndWait(tx -> {
                tx.blobs().insertInline("delivered", delivered.getBytes(), 0);
                return tern.services().mailboxes().deliver(tx, account.id(), "INBOX", "delivered", delivered.length(),
                        prefix, java.time.Instant.now());
            });
            a.command("s1", "SELECT INBOX");
            List<String> lines = a.command("f1", "FETCH 1:* (UID BODY.PEEK[] BODY.PEEK[HEADER.FIELDS (Subject)]<0.9>)");
            assertThat(lines).hasSize(COUNT + 4);
            for (int n = 1; n <= COUNT; n++) {
                String m = "Subject: message " + n + "\r\nMessage-ID: <m" + n + "@example.test>\r\n\r\nbody " + n + "\r\n";
                assertThat(lines.get(n - 1)).startsWith("* " + n + " FETCH (UID " + n + " BODY[] {" + m.length() + "}\r\n"
                        + m + " BODY[HEADER.FIELDS (").endsWith("]<0> {9}\r\nSubject: )");
            }
            assertThat(lines.get(COUNT)).startsWith("* 151 FETCH (UID 151 BODY[] {" + inline.length() + "}\r\n" + inline + " ");
            assertThat(lines.get(COUNT + 1)).startsWith("* 152 FETCH (UID 152 BODY[] {" + file.length() + "}\r\n" + file + " ");
            assertThat(lines.get(COUNT + 2)).startsWith("* 153 FETCH (UID 153 BODY[] {"
                    + (prefix.length() + delivered.length()) + "}\r\n" + prefix + delivered + " ");
            assertThat(last(lines)).isEqualTo("f1 OK FETCH completed");
        }
    }
}
