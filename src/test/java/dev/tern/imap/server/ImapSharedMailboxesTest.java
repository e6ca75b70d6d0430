package dev.tern.imap.server;

import dev.tern.testing.RawImapClient;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.tern.testing.RawImapClient.last;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mailboxes shared between accounts (RFC 4314 ACL) over raw sessions: what each right lets the
 * other user do, what they see in LIST and NAMESPACE, and what stays hidden from the rest.
 */
class ImapSharedMailboxesTest {

    static final String TEAM = "Shared/alice@example.test/Team";
    /** As IMAP writes it in responses: quoted. */
    static final String TEAM_Q = "\"" + TEAM + "\"";

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() {
        tern = RunningServer.plainImap(dir, "pw", "alice@example.test", "bob@example.test", "carol@example.test",
                "dave@other.test");
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private RawImapClient login(String user) {
        return RawImapClient.loggedIn(tern.port("imap"), user, "pw");
    }

    /** Alice's "Team" with two messages, the first \Seen. */
    private RawImapClient aliceWithTeam() {
        RawImapClient alice = login("alice@example.test");
        assertThat(last(alice.command("c1", "CREATE Team"))).startsWith("c1 OK");
        append(alice, "Team", "(\\Seen)", "first");
        append(alice, "Team", "()", "second");
        return alice;
    }

    private static List<String> append(RawImapClient c, String mailbox, String flags, String subject) {
        String m = "Subject: " + subject + "\r\n\r\nbody\r\n";
        return c.command("ap", "APPEND \"" + mailbox + "\" " + flags + " {" + m.length() + "+}\r\n" + m);
    }

    /** The lines without \\Recent, which depends on which session selected a mailbox first. */
    private static List<String> noRecent(List<String> lines) {
        return lines.stream().map(l -> l.replace(" \\Recent", "").replace("\\Recent", "")).toList();
    }

    @Test
    void theOwnerGrantsAndReadsTheListAndTheCapabilityAndNamespaceSaySo() {
        try (RawImapClient alice = aliceWithTeam()) {
            assertThat(alice.command("k1", "CAPABILITY").get(0)).contains(" ACL ", " RIGHTS=texk", " LIST-MYRIGHTS ");
            assertThat(alice.command("n1", "NAMESPACE").get(0))
                    .isEqualTo("* NAMESPACE ((\"\" \"/\")) ((\"Shared/\" \"/\")) NIL");
            assertThat(alice.command("a1", "SETACL Team bob@example.test lrs")).containsExactly("a1 OK SETACL completed");
            assertThat(alice.command("a2", "SETACL Team Bob@Example.TEST +w")).containsExactly("a2 OK SETACL completed");
            assertThat(alice.command("a3", "SETACL Team anyone l")).containsExactly("a3 OK SETACL completed");
            assertThat(alice.command("a4", "GETACL Team")).containsExactly(
                    "* ACL \"Team\" alice@example.test lrswipkxteacd anyone l bob@example.test lrsw",
                    "a4 OK GETACL completed");
            assertThat(alice.command("a5", "SETACL Team bob@example.test -sw")).containsExactly("a5 OK SETACL completed");
            assertThat(alice.command("a6", "DELETEACL Team anyone")).containsExactly("a6 OK DELETEACL completed");
            assertThat(alice.command("a7", "GETACL Team").get(0))
                    .isEqualTo("* ACL \"Team\" alice@example.test lrswipkxteacd bob@example.test lr");
            assertThat(alice.command("a8", "MYRIGHTS Team").get(0)).isEqualTo("* MYRIGHTS \"Team\" lrswipkxteacd");
            assertThat(alice.command("a9", "LISTRIGHTS Team bob@example.test").get(0))
                    .isEqualTo("* LISTRIGHTS \"Team\" bob@example.test \"\" l r s w i p k x t e a c d");
            assertThat(alice.command("a10", "LISTRIGHTS Team alice@example.test").get(0))
                    .isEqualTo("* LISTRIGHTS \"Team\" alice@example.test lrswipkxteacd");

            // RFC 4314 §3.1: an unknown right is a BAD; the owner's rights and unknown accounts a NO.
            assertThat(last(alice.command("b1", "SETACL Team bob@example.test lrq"))).startsWith("b1 BAD");
            assertThat(last(alice.command("b2", "SETACL Team bob@example.test lrQ"))).startsWith("b2 BAD");
            assertThat(last(alice.command("b3", "SETACL Team alice@example.test lr"))).startsWith("b3 NO");
            assertThat(last(alice.command("b4", "SETACL Team nobody@example.test lr"))).startsWith("b4 NO");
            assertThat(last(alice.command("b5", "SETACL Team -bob@example.test lr"))).startsWith("b5 NO");
            assertThat(last(alice.command("b6", "SETACL Nowhere bob@example.test lr")))
                    .startsWith("b6 NO [NONEXISTENT]");
            assertThat(last(alice.command("b7", "NOOP"))).startsWith("b7 OK");
        }
    }

    @Test
    void readingWithLookupReadAndSeenRights() {
        try (RawImapClient alice = aliceWithTeam(); RawImapClient bob = login("bob@example.test")) {
            alice.command("a1", "SETACL Team bob@example.test lrs");

            List<String> list = bob.command("l1", "LIST \"\" *");
            assertThat(list).contains("* LIST (\\Noselect \\HasChildren) \"/\" \"Shared\"",
                    "* LIST (\\Noselect \\HasChildren) \"/\" \"Shared/alice@example.test\"",
                    "* LIST (\\HasNoChildren) \"/\" " + TEAM_Q);
            assertThat(list).noneMatch(l -> l.contains("alice@example.test/INBOX"));
            assertThat(bob.command("l2", "LIST \"\" Shared/%")).containsExactly(
                    "* LIST (\\Noselect \\HasChildren) \"/\" \"Shared/alice@example.test\"", "l2 OK LIST completed");
            assertThat(bob.command("m1", "MYRIGHTS " + TEAM).get(0)).isEqualTo("* MYRIGHTS " + TEAM_Q + " lrs");
            // RFC 8440: the rights with each line of LIST; none for the levels above, which are no mailboxes.
            assertThat(bob.command("m2", "LIST \"\" Shared* RETURN (MYRIGHTS)")).containsExactly(
                    "* LIST (\\Noselect \\HasChildren) \"/\" \"Shared\"",
                    "* LIST (\\Noselect \\HasChildren) \"/\" \"Shared/alice@example.test\"",
                    "* LIST (\\HasNoChildren) \"/\" " + TEAM_Q, "* MYRIGHTS " + TEAM_Q + " lrs",
                    "m2 OK LIST completed");
            assertThat(bob.command("m3", "LIST \"\" INBOX RETURN (MYRIGHTS)")).contains(
                    "* MYRIGHTS \"INBOX\" lrswipkxteacd");
            assertThat(bob.command("s0", "STATUS " + TEAM + " (MESSAGES UNSEEN)").get(0))
                    .isEqualTo("* STATUS " + TEAM_Q + " (MESSAGES 2 UNSEEN 1)");

            List<String> select = bob.command("s1", "SELECT " + TEAM);
            assertThat(select).contains("* 2 EXISTS", "* OK [PERMANENTFLAGS (\\Seen)] flags and keywords are kept",
                    "s1 OK [READ-WRITE] SELECT completed");
            // s lets a fetch mark \Seen; other flags need w, \Deleted t, expunging e.
            bob.command("f1", "FETCH 2 BODY[]");
            assertThat(bob.command("f2", "FETCH 2 FLAGS").get(0)).contains("\\Seen");
            assertThat(last(bob.command("f3", "STORE 1 +FLAGS (\\Flagged)"))).startsWith("f3 NO [NOPERM]");
            assertThat(noRecent(bob.command("f4", "STORE 1 -FLAGS (\\Seen \\Flagged)")).get(0))
                    .endsWith("FLAGS ())");
            assertThat(last(bob.command("f5", "STORE 1 +FLAGS (\\Deleted)"))).startsWith("f5 NO [NOPERM]");
            assertThat(last(bob.command("f6", "EXPUNGE"))).startsWith("f6 NO [NOPERM]");
            assertThat(last(bob.command("f7", "MOVE 1 INBOX"))).startsWith("f7 NO [NOPERM]");
            assertThat(last(bob.command("f8", "COPY 1:2 INBOX"))).startsWith("f8 OK [COPYUID");
            assertThat(last(append(bob, TEAM, "()", "from bob"))).startsWith("ap NO [NOPERM]");
            // Alice sees what bob's \Seen changes did: the flags are the mailbox's.
            alice.command("a2", "SELECT Team");
            assertThat(noRecent(alice.command("a3", "FETCH 1:2 FLAGS"))).contains("* 1 FETCH (FLAGS ())",
                    "* 2 FETCH (FLAGS (\\Seen))");
            // And bob, selected, hears of what alice adds.
            append(alice, "Team", "()", "third");
            assertThat(bob.command("n1", "NOOP")).contains("* 3 EXISTS");

            // Alice's other mailboxes, and her ACL, stay hidden: as if they did not exist.
            assertThat(last(bob.command("x1", "SELECT Shared/alice@example.test/INBOX"))).startsWith("x1 NO [NONEXISTENT]");
            assertThat(last(bob.command("x2", "GETACL " + TEAM))).startsWith("x2 NO [NOPERM]");
            assertThat(last(bob.command("x3", "SETACL " + TEAM + " bob@example.test lrswi"))).startsWith("x3 NO [NOPERM]");
            assertThat(last(bob.command("x4", "DELETE " + TEAM))).startsWith("x4 NO [NOPERM]");
            assertThat(last(bob.command("x5", "SELECT Shared/alice@example.test"))).startsWith("x5 NO");
        }
    }

    @Test
    void lookupAndReadAloneOpenReadOnlyAndLeaveSeenAlone() {
        try (RawImapClient alice = aliceWithTeam(); RawImapClient bob = login("bob@example.test")) {
            alice.command("a1", "SETACL Team bob@example.test lr");
            List<String> select = bob.command("s1", "SELECT " + TEAM);
            assertThat(select).contains("* OK [PERMANENTFLAGS ()] read-only mailbox", "s1 OK [READ-ONLY] SELECT completed");
            bob.command("f1", "FETCH 2 BODY[]");
            assertThat(noRecent(bob.command("f2", "FETCH 2 FLAGS")).get(0)).isEqualTo("* 2 FETCH (FLAGS ())");
            assertThat(last(bob.command("f3", "STORE 2 +FLAGS (\\Seen)"))).startsWith("f3 NO [READ-ONLY]");

            // Without r, the mailbox is listed but cannot be opened; without l or r, it is not there at all.
            alice.command("a2", "SETACL Team bob@example.test l");
            assertThat(last(bob.command("s2", "SELECT " + TEAM))).startsWith("s2 NO [NOPERM]");
            assertThat(last(bob.command("s3", "STATUS " + TEAM + " (MESSAGES)"))).startsWith("s3 NO [NOPERM]");
            alice.command("a3", "DELETEACL Team bob@example.test");
            assertThat(last(bob.command("s4", "SELECT " + TEAM))).startsWith("s4 NO [NONEXISTENT]");
            assertThat(bob.command("l1", "LIST \"\" *")).noneMatch(l -> l.contains("Shared"));
        }
    }

    @Test
    void anyoneMeansTheAccountsOfTheOwnersDomain() {
        try (RawImapClient alice = aliceWithTeam(); RawImapClient carol = login("carol@example.test");
             RawImapClient dave = login("dave@other.test")) {
            assertThat(last(carol.command("c0", "SELECT " + TEAM))).startsWith("c0 NO [NONEXISTENT]");
            alice.command("a1", "SETACL Team anyone lr");
            assertThat(last(carol.command("c1", "EXAMINE " + TEAM))).isEqualTo("c1 OK [READ-ONLY] EXAMINE completed");
            assertThat(last(dave.command("d1", "EXAMINE " + TEAM))).startsWith("d1 NO [NONEXISTENT]");
            assertThat(dave.command("d2", "LIST \"\" *")).noneMatch(l -> l.contains("Shared"));
        }
    }

    @Test
    void fullRightsLetAnotherUserFileCreateRenameExpungeAndDelete() {
        try (RawImapClient alice = aliceWithTeam(); RawImapClient bob = login("bob@example.test")) {
            alice.command("a1", "SETACL Team bob@example.test lrswipkxte");
            assertThat(last(append(bob, TEAM, "(\\Flagged)", "from bob"))).startsWith("ap OK [APPENDUID");
            bob.command("b0", "SELECT INBOX");
            append(bob, "INBOX", "(\\Seen $Label1)", "to copy");
            assertThat(last(bob.command("b1", "COPY 1 " + TEAM))).startsWith("b1 OK [COPYUID");

            // A mailbox bob creates under Team is alice's and takes Team's list.
            assertThat(last(bob.command("b2", "CREATE " + TEAM + "/Sub"))).startsWith("b2 OK");
            assertThat(alice.command("a2", "GETACL Team/Sub").get(0))
                    .isEqualTo("* ACL \"Team/Sub\" alice@example.test lrswipkxteacd bob@example.test lrswipkxtecd");
            assertThat(last(bob.command("b3", "RENAME " + TEAM + "/Sub " + TEAM + "/Renamed"))).startsWith("b3 OK");
            assertThat(alice.command("a3", "LIST \"\" Team/*")).contains("* LIST (\\HasNoChildren) \"/\" \"Team/Renamed\"");
            assertThat(last(bob.command("b4", "RENAME " + TEAM + "/Renamed Mine"))).startsWith("b4 NO [NOPERM]");
            assertThat(last(bob.command("b5", "CREATE Shared/alice@example.test/Top"))).startsWith("b5 NO [NOPERM]");
            assertThat(last(bob.command("b6", "DELETE " + TEAM + "/Renamed"))).startsWith("b6 OK");

            bob.command("b7", "SELECT " + TEAM);
            assertThat(noRecent(bob.command("b8", "FETCH 3:4 FLAGS"))).contains("* 3 FETCH (FLAGS (\\Flagged))",
                    "* 4 FETCH (FLAGS (\\Seen $Label1))");
            bob.command("b9", "STORE 1 +FLAGS.SILENT (\\Deleted)");
            assertThat(bob.command("b10", "EXPUNGE")).contains("* 1 EXPUNGE");
            assertThat(bob.command("b11", "MOVE 1 INBOX")).anyMatch(l -> l.startsWith("* OK [COPYUID"));
            alice.command("a4", "SELECT Team");
            assertThat(alice.command("a5", "FETCH 1:* (FLAGS)")).hasSize(3);
        }
    }

    @Test
    void copiesKeepOnlyTheFlagsTheUserMaySetAndSubscriptionsToSharedMailboxesAreListed() {
        try (RawImapClient alice = aliceWithTeam(); RawImapClient bob = login("bob@example.test")) {
            alice.command("a1", "SETACL Team bob@example.test lris");
            bob.command("b0", "SELECT INBOX");
            append(bob, "INBOX", "(\\Seen \\Flagged \\Deleted $Label1)", "to copy");
            assertThat(last(bob.command("b1", "COPY 1 " + TEAM))).startsWith("b1 OK [COPYUID");
            assertThat(last(append(bob, TEAM, "(\\Seen \\Answered)", "appended"))).startsWith("ap OK");
            alice.command("a2", "SELECT Team");
            assertThat(noRecent(alice.command("a3", "FETCH 3:4 FLAGS"))).contains("* 3 FETCH (FLAGS (\\Seen))",
                    "* 4 FETCH (FLAGS (\\Seen))");

            assertThat(last(bob.command("s1", "SUBSCRIBE " + TEAM))).startsWith("s1 OK");
            assertThat(bob.command("s2", "LSUB \"\" *")).contains("* LSUB (\\HasNoChildren) \"/\" " + TEAM_Q);
            assertThat(bob.command("s3", "LIST (SUBSCRIBED) \"\" Shared/*"))
                    .contains("* LIST (\\HasNoChildren \\Subscribed) \"/\" " + TEAM_Q);
            assertThat(bob.command("s4", "LIST \"\" Shared/* RETURN (STATUS (MESSAGES))"))
                    .contains("* STATUS " + TEAM_Q + " (MESSAGES 4)");
            alice.command("a4", "DELETEACL Team bob@example.test");
            assertThat(bob.command("s5", "LSUB \"\" *")).contains("* LSUB (\\NonExistent \\HasNoChildren) \"/\" " + TEAM_Q);
        }
    }

    @Test
    void malformedAclCommandsGetProtocolErrorsAndTheSessionGoesOn() {
        try (RawImapClient alice = aliceWithTeam()) {
            assertThat(last(alice.command("m1", "SETACL Team"))).startsWith("m1 BAD");
            assertThat(last(alice.command("m2", "SETACL Team bob@example.test"))).startsWith("m2 BAD");
            assertThat(last(alice.command("m3", "SETACL Team \"\" lr"))).startsWith("m3 BAD");
            assertThat(last(alice.command("m4", "GETACL"))).startsWith("m4 BAD");
            assertThat(last(alice.command("m5", "MYRIGHTS Team extra"))).startsWith("m5 BAD");
            assertThat(last(alice.command("m6", "LISTRIGHTS Team"))).startsWith("m6 BAD");
            assertThat(last(alice.command("m7", "SETACL Team \"b\u00f6b@example.test\" lr"))).startsWith("m7 NO");
            assertThat(last(alice.command("m8", "SETACL Team bob@example.test \"l r\""))).startsWith("m8 BAD");
            assertThat(last(alice.command("m9", "SETACL Team " + "x".repeat(2000) + "@example.test lr")))
                    .startsWith("m9 NO").doesNotContain("x".repeat(100));
            assertThat(last(alice.command("m10", "DELETEACL Team $team"))).startsWith("m10 NO");
            assertThat(last(alice.command("m11", "MYRIGHTS Shared/nobody@example.test/INBOX")))
                    .startsWith("m11 NO [NONEXISTENT]");
            assertThat(last(alice.command("m12", "MYRIGHTS Shared/alice@example.test/Team")))
                    .as("one's own mailboxes are not under Shared/").startsWith("m12 NO [NONEXISTENT]");
            assertThat(last(alice.command("m13", "CREATE Shared/bob@example.test/Mine"))).startsWith("m13 NO");
            assertThat(alice.command("m14", "GETACL Team").get(0)).startsWith("* ACL \"Team\" alice@example.test");
        }
    }
}
