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

/** IMAP METADATA (RFC 5464) over raw sessions: entries set, read at each depth, limited, shared, and special uses. */
class ImapMetadataTest {

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() {
        tern = RunningServer.plainImap(dir, "pw", "alice@example.test", "bob@example.test");
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private RawImapClient login(String user) {
        return RawImapClient.loggedIn(tern.port("imap"), user, "pw");
    }

    @Test
    void entriesAreSetReadAtEachDepthAndRemoved() {
        try (RawImapClient c = login("alice@example.test")) {
            assertThat(c.command("k", "CAPABILITY").get(0)).contains(" METADATA ");
            assertThat(c.command("s1", "SETMETADATA INBOX (/private/comment \"my inbox\" /shared/comment \"everyone's\")"))
                    .containsExactly("s1 OK SETMETADATA completed");
            assertThat(c.command("g1", "GETMETADATA INBOX /private/comment")).containsExactly(
                    "* METADATA \"INBOX\" (/private/comment \"my inbox\")", "g1 OK GETMETADATA completed");
            assertThat(c.command("g2", "GETMETADATA inbox (/Shared/Comment /private/comment /private/none)").get(0))
                    .isEqualTo("* METADATA \"INBOX\" (/private/comment \"my inbox\" /shared/comment \"everyone's\")");
            assertThat(c.command("g3", "GETMETADATA INBOX /private/none")).containsExactly("g3 OK GETMETADATA completed");

            c.command("s2", "SETMETADATA INBOX (/private/vendor/x/a \"1\" /private/vendor/x/a/b \"2\" "
                    + "/private/vendor/x/a/b/c \"3\")");
            assertThat(c.command("d0", "GETMETADATA INBOX /private/vendor/x/a").get(0))
                    .isEqualTo("* METADATA \"INBOX\" (/private/vendor/x/a \"1\")");
            assertThat(c.command("d1", "GETMETADATA (DEPTH 1) INBOX /private/vendor/x/a").get(0))
                    .isEqualTo("* METADATA \"INBOX\" (/private/vendor/x/a \"1\" /private/vendor/x/a/b \"2\")");
            assertThat(c.command("di", "GETMETADATA (DEPTH infinity) INBOX (/private/vendor)").get(0))
                    .isEqualTo("* METADATA \"INBOX\" (/private/vendor/x/a \"1\" /private/vendor/x/a/b \"2\" "
                            + "/private/vendor/x/a/b/c \"3\")");
            assertThat(c.command("m1", "GETMETADATA (MAXSIZE 3) INBOX (/private/comment /private/vendor/x/a)"))
                    .containsExactly("* METADATA \"INBOX\" (/private/vendor/x/a \"1\")",
                            "m1 OK [METADATA LONGENTRIES 8] GETMETADATA completed");
            // The options after the mailbox, as Roundcube sends them.
            assertThat(c.command("m2", "GETMETADATA \"INBOX\" (MAXSIZE 3 DEPTH 1) (/private/vendor/x/a)").get(0))
                    .isEqualTo("* METADATA \"INBOX\" (/private/vendor/x/a \"1\" /private/vendor/x/a/b \"2\")");

            assertThat(last(c.command("r1", "SETMETADATA INBOX (/private/comment NIL)"))).startsWith("r1 OK");
            assertThat(c.command("r2", "GETMETADATA INBOX /private/comment")).containsExactly("r2 OK GETMETADATA completed");

            // The server's own entries: the user's private ones; the shared ones are the administrator's.
            assertThat(last(c.command("v1", "SETMETADATA \"\" (/private/vendor/app/theme \"dark\")"))).startsWith("v1 OK");
            assertThat(c.command("v2", "GETMETADATA \"\" /private/vendor/app/theme").get(0))
                    .isEqualTo("* METADATA \"\" (/private/vendor/app/theme \"dark\")");
            assertThat(last(c.command("v3", "SETMETADATA \"\" (/shared/admin \"mailto:me@example.test\")")))
                    .startsWith("v3 NO [NOPERM]");

            // A deleted mailbox takes its entries along.
            c.command("c1", "CREATE Notes");
            c.command("c2", "SETMETADATA Notes (/private/comment \"old\")");
            c.command("c3", "DELETE Notes");
            c.command("c4", "CREATE Notes");
            assertThat(c.command("c5", "GETMETADATA Notes /private/comment")).containsExactly("c5 OK GETMETADATA completed");
        }
    }

    @Test
    void theSpecialUseEntryIsTheMailboxsAttribute() {
        try (RawImapClient c = login("alice@example.test")) {
            assertThat(c.command("g1", "GETMETADATA Sent /private/specialuse").get(0))
                    .isEqualTo("* METADATA \"Sent\" (/private/specialuse \"\\\\Sent\")");
            c.command("c1", "CREATE \"Sent Items\"");
            assertThat(last(c.command("s1", "SETMETADATA \"Sent Items\" (/private/specialuse \"\\\\sent\")")))
                    .startsWith("s1 OK");
            assertThat(c.command("l1", "LIST \"\" \"Sent Items\"").get(0))
                    .isEqualTo("* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Items\"");
            assertThat(last(c.command("s2", "SETMETADATA \"Sent Items\" (/private/specialuse \"\\\\Outbox\")")))
                    .startsWith("s2 NO");
            assertThat(last(c.command("s3", "SETMETADATA \"Sent Items\" (/private/specialuse NIL)"))).startsWith("s3 OK");
            assertThat(c.command("l2", "LIST \"\" \"Sent Items\"").get(0))
                    .isEqualTo("* LIST (\\HasNoChildren) \"/\" \"Sent Items\"");

            // RFC 6154 §3: CREATE with USE, announced as CREATE-SPECIAL-USE; the entry follows it.
            assertThat(c.command("k", "CAPABILITY").get(0)).contains(" CREATE-SPECIAL-USE ");
            assertThat(last(c.command("u1", "CREATE Invoices (USE (\\Archive))"))).startsWith("u1 OK");
            assertThat(c.command("u2", "LIST \"\" Invoices").get(0))
                    .isEqualTo("* LIST (\\HasNoChildren \\Archive) \"/\" \"Invoices\"");
            assertThat(c.command("u3", "GETMETADATA Invoices /private/specialuse").get(0))
                    .isEqualTo("* METADATA \"Invoices\" (/private/specialuse \"\\\\Archive\")");
            assertThat(last(c.command("u4", "CREATE Other (USE (\\Bogus))"))).startsWith("u4 NO");
        }
    }

    @Test
    void badNamesTooLargeValuesAndTooManyEntriesAreRefused() {
        try (RawImapClient c = login("alice@example.test")) {
            for (String name : List.of("/foo", "/private/", "/private//x", "/private/a*", "comment")) {
                assertThat(last(c.command("b", "SETMETADATA INBOX (" + name + " \"x\")"))).as(name).startsWith("b BAD");
            }
            assertThat(last(c.command("b2", "GETMETADATA (DEPTH 2) INBOX /private/comment"))).startsWith("b2 BAD");
            assertThat(last(c.command("b3", "GETMETADATA INBOX /private/x*"))).startsWith("b3 BAD");
            String big = "x".repeat(70_000);
            assertThat(last(c.command("b4", "SETMETADATA INBOX (/private/comment {" + big.length() + "+}\r\n" + big + ")")))
                    .isEqualTo("b4 NO [METADATA MAXSIZE 65536] a value has at most 65536 octets");
            StringBuilder many = new StringBuilder("SETMETADATA INBOX (");
            for (int i = 0; i < 101; i++) {
                many.append(i == 0 ? "" : " ").append("/private/n").append(i).append(" \"v\"");
            }
            assertThat(last(c.command("b5", many + ")"))).startsWith("b5 NO [METADATA TOOMANY]");
            assertThat(c.command("b6", "GETMETADATA INBOX /private/n1")).as("none of them set")
                    .containsExactly("b6 OK GETMETADATA completed");
            assertThat(last(c.command("b7", "GETMETADATA Nowhere /private/comment"))).startsWith("b7 NO [NONEXISTENT]");

            // An account's entries together hold at most 1 MiB: the quota does not count them.
            String value = "v".repeat(64_000);
            for (int i = 1; i <= 16; i++) {
                assertThat(last(c.command("t" + i, "SETMETADATA \"\" (/private/big" + i + " {64000+}\r\n" + value + ")")))
                        .startsWith("t" + i + " OK");
            }
            assertThat(last(c.command("t17", "SETMETADATA INBOX (/private/big17 {64000+}\r\n" + value + ")")))
                    .startsWith("t17 NO [METADATA TOOMANY]");
            assertThat(last(c.command("t18", "SETMETADATA \"\" (/private/big1 NIL)"))).startsWith("t18 OK");
            assertThat(last(c.command("t19", "SETMETADATA INBOX (/private/big17 {64000+}\r\n" + value + ")")))
                    .startsWith("t19 OK");
        }
    }

    @Test
    void onASharedMailboxEachUserHasTheirOwnEntriesAndTheSharedOnesFollowTheRights() {
        try (RawImapClient alice = login("alice@example.test"); RawImapClient bob = login("bob@example.test")) {
            alice.command("a1", "CREATE Team");
            alice.command("a2", "SETMETADATA Team (/shared/comment \"the team's\" /private/comment \"alice's\")");
            alice.command("a3", "SETACL Team bob@example.test lr");
            String team = "Shared/alice@example.test/Team";
            assertThat(bob.command("b1", "GETMETADATA " + team + " (/shared/comment /private/comment)").get(0))
                    .isEqualTo("* METADATA \"" + team + "\" (/shared/comment \"the team's\")");
            assertThat(last(bob.command("b2", "SETMETADATA " + team + " (/private/comment \"bob's\")"))).startsWith("b2 OK");
            assertThat(last(bob.command("b3", "SETMETADATA " + team + " (/shared/comment \"mine\")")))
                    .startsWith("b3 NO [NOPERM]");
            assertThat(last(bob.command("b4", "SETMETADATA " + team + " (/private/specialuse \"\\\\Archive\")")))
                    .startsWith("b4 NO [NOPERM]");
            assertThat(alice.command("a4", "GETMETADATA Team /private/comment").get(0))
                    .isEqualTo("* METADATA \"Team\" (/private/comment \"alice's\")");
            assertThat(bob.command("b5", "GETMETADATA " + team + " /private/comment").get(0))
                    .isEqualTo("* METADATA \"" + team + "\" (/private/comment \"bob's\")");
        }
    }
}
