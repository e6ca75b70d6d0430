package dev.tern.imap.server;

import dev.tern.testing.RawImapClient;
import dev.tern.testing.TestCertificates;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static dev.tern.testing.RawImapClient.last;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exact IMAP exchanges over a plaintext connection (passwords allowed without TLS here): the
 * examples of RFC 3501 §6 and the error paths.
 */
class ImapExchangeTest {

    static final String MESSAGE = "From: Fred Foobar <foobar@example.test>\r\n"
            + "Subject: afternoon meeting\r\n"
            + "To: alice@example.test\r\n"
            + "Message-Id: <B27397-0100000@example.test>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n"
            + "\r\n"
            + "Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n";

    @TempDir
    Path dir;
    RunningServer tern;
    RawImapClient imap;

    @BeforeEach
    void start() {
        tern = new RunningServer(dir, """
                [imap]
                allow_plaintext_auth = true
                max_literal = "1MB"
                """, "imap = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "alice-pw");
        imap = new RawImapClient(tern.port("imap"));
        assertThat(imap.readLine()).startsWith("* OK [CAPABILITY IMAP4rev1").contains("STARTTLS");
    }

    @AfterEach
    void stop() {
        imap.close();
        tern.close();
    }

    private void login() {
        assertThat(last(imap.command("a1", "LOGIN alice@example.test alice-pw"))).startsWith("a1 OK");
    }

    private void append(String mailbox, String flags, String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        imap.send("ap APPEND " + mailbox + " " + flags + " {" + bytes.length + "}");
        assertThat(imap.readLine()).startsWith("+ ");
        imap.sendBytes(bytes);
        imap.send("");
        assertThat(last(imap.until("ap"))).startsWith("ap OK [APPENDUID ");
    }

    private static String message(String from, String to, String date, String subject, int padding) {
        return "From: " + from + "\r\nTo: " + to + "\r\n" + (date == null ? "" : "Date: " + date + "\r\n")
                + "Subject: " + subject + "\r\n\r\n" + "x".repeat(padding) + "\r\n";
    }

    @Test
    void sortByEachKeyWithTiesInSequenceOrder() {
        login();
        imap.command("s0", "SELECT INBOX");
        append("INBOX", "()", message("\"Zed\" <b@example.test>", "carol@example.test",
                "Tue, 2 Jan 2024 10:00:00 +0000", "Re: [list] beta", 300));                                 // 1
        append("INBOX", "()", message("=?utf-8?q?=C3=84nne?= <a@example.test>", "Bob <bob@example.test>",
                "Mon, 1 Jan 2024 23:30:00 -0500", "alpha", 100));                                            // 2
        append("INBOX", "()", message("c@example.test", "alice@example.test",
                "not a date", "[Fwd: Alpha (fwd)]", 200));                                                   // 3
        append("INBOX", "()", message("A@example.test", "dave@example.test", "Wed, 3 Jan 2024 09:00:00 +0000",
                "gamma", 100));                                                                              // 4
        List<String> r;
        assertThat(imap.command("s1", "SORT (SUBJECT) UTF-8 ALL")).startsWith("* SORT 2 3 1 4");
        assertThat(imap.command("s2", "SORT (REVERSE SUBJECT) UTF-8 ALL").get(0)).isEqualTo("* SORT 4 1 2 3");
        // Local parts compared without case: a, A, b, c; ties in sequence order.
        assertThat(imap.command("s3", "SORT (FROM) UTF-8 ALL").get(0)).isEqualTo("* SORT 2 4 1 3");
        assertThat(imap.command("s4", "SORT (SIZE) UTF-8 ALL").get(0)).isEqualTo("* SORT 4 2 3 1");
        // Message 2's date is 04:30 UTC on 2 January; message 3's cannot be read: its arrival counts (now).
        assertThat(imap.command("s5", "SORT (DATE) UTF-8 ALL").get(0)).isEqualTo("* SORT 2 1 4 3");
        assertThat(imap.command("s6", "SORT (ARRIVAL) UTF-8 ALL").get(0)).isEqualTo("* SORT 1 2 3 4");
        assertThat(imap.command("s7", "SORT (TO) UTF-8 ALL").get(0)).isEqualTo("* SORT 3 2 1 4");
        // RFC 5957: display names where there are some (Änne, decoded, among the A's by
        // i;unicode-casemap), addresses where not.
        assertThat(imap.command("s8", "SORT (DISPLAYFROM) UTF-8 ALL").get(0)).isEqualTo("* SORT 4 2 3 1");
        assertThat(imap.command("s9", "SORT (DISPLAYTO) UTF-8 ALL").get(0)).isEqualTo("* SORT 3 2 1 4");
        r = imap.command("u1", "UID SORT (REVERSE SIZE) US-ASCII NOT SUBJECT gamma");
        assertThat(r.get(0)).isEqualTo("* SORT 1 3 2");
        assertThat(last(r)).isEqualTo("u1 OK UID SORT completed");
        assertThat(imap.command("s10", "SORT (CC) UTF-8 SUBJECT nothing-matches").get(0)).isEqualTo("* SORT");
        assertThat(last(imap.command("b1", "SORT (SUBJECT) X-NO-SUCH-CHARSET ALL"))).startsWith("b1 NO [BADCHARSET");
        assertThat(last(imap.command("b2", "SORT (COLOR) UTF-8 ALL"))).startsWith("b2 BAD");
        assertThat(last(imap.command("b3", "SORT RETURN (COLOR) (SUBJECT) UTF-8 ALL"))).startsWith("b3 BAD");
        assertThat(String.join(" ", imap.command("c", "CAPABILITY"))).contains(" SORT SORT=DISPLAY ESORT");

        // ESORT (RFC 5267): MIN and MAX are the first and last in the sort order, ALL keeps the
        // order (runs of consecutive numbers as ranges), as Dovecot answers.
        assertThat(imap.command("e1", "SORT RETURN (MIN MAX) (SUBJECT) UTF-8 ALL").get(0))
                .isEqualTo("* ESEARCH (TAG \"e1\") MIN 2 MAX 4");
        assertThat(imap.command("e2", "SORT RETURN (ALL COUNT) (SUBJECT) UTF-8 ALL").get(0))
                .isEqualTo("* ESEARCH (TAG \"e2\") ALL 2:3,1,4 COUNT 4");
        assertThat(imap.command("e3", "UID SORT RETURN () (ARRIVAL) UTF-8 ALL").get(0))
                .isEqualTo("* ESEARCH (TAG \"e3\") UID ALL 1:4");
        assertThat(imap.command("e4", "SORT RETURN (COUNT) (SUBJECT) UTF-8 SUBJECT nothing-matches").get(0))
                .isEqualTo("* ESEARCH (TAG \"e4\") COUNT 0");
        // SAVE (RFC 5182) with SORT: alone it answers nothing; with MIN, the first in the sort order.
        assertThat(imap.command("e5", "SORT RETURN (SAVE) (REVERSE SIZE) UTF-8 NOT SUBJECT gamma"))
                .containsExactly("e5 OK SORT completed");
        assertThat(imap.command("e6", "SEARCH $").get(0)).isEqualTo("* SEARCH 1 2 3");
        assertThat(imap.command("e7", "SORT RETURN (MIN SAVE) (REVERSE SIZE) UTF-8 ALL").get(0))
                .isEqualTo("* ESEARCH (TAG \"e7\") MIN 1");
        assertThat(imap.command("e8", "FETCH $ (UID)")).containsExactly("* 1 FETCH (UID 1)", "e8 OK FETCH completed");
        assertThat(last(imap.command("e9", "SORT RETURN (SAVE) (SUBJECT) X-NO-SUCH-CHARSET ALL"))).startsWith("e9 NO [BADCHARSET");
        assertThat(imap.command("e10", "FETCH $ (UID)")).containsExactly("e10 OK FETCH completed");

        // Keys kept from the sorts above, and the new message's read: it takes its place among them.
        append("INBOX", "()", message("e@example.test", "erin@example.test", "Mon, 1 Jan 2024 00:00:00 +0000",
                "Re: Beta", 10));                                                                            // 5
        imap.command("n", "NOOP");
        assertThat(imap.command("k1", "SORT (SUBJECT) UTF-8 ALL").get(0)).isEqualTo("* SORT 2 3 1 5 4");
        assertThat(imap.command("k2", "SORT (DATE) UTF-8 ALL").get(0)).isEqualTo("* SORT 5 2 1 4 3");
        assertThat(imap.command("k3", "SORT (REVERSE FROM) UTF-8 ALL").get(0)).isEqualTo("* SORT 5 3 1 2 4");
    }

    private static String threaded(String id, String references, String date, String subject) {
        return "From: a@example.test\r\nMessage-ID: " + id + "\r\n"
                + (references == null ? "" : "References: " + references + "\r\n")
                + "Date: " + date + "\r\nSubject: " + subject + "\r\n\r\nbody\r\n";
    }

    @Test
    void threadsByReferencesAndByOrderedSubject() {
        login();
        imap.command("s0", "SELECT INBOX");
        append("INBOX", "()", threaded("<1@x>", null, "Mon, 1 Jan 2024 10:00:00 +0000", "plans"));           // 1
        append("INBOX", "()", threaded("<2@x>", "<1@x>", "Mon, 1 Jan 2024 11:00:00 +0000", "Re: plans"));    // 2
        append("INBOX", "()", threaded("<3@x>", null, "Mon, 1 Jan 2024 09:00:00 +0000", "other"));           // 3
        append("INBOX", "()", threaded("<4@x>", "<1@x>\r\n <2@x>", "Mon, 1 Jan 2024 12:00:00 +0000",
                "Re: Re: plans"));                                                                           // 4
        append("INBOX", "()", threaded("<5@x>", "<1@x>", "Mon, 1 Jan 2024 10:30:00 +0000", "Re: plans"));   // 5
        append("INBOX", "()", threaded("<6@x>", "<gone@x>", "Mon, 1 Jan 2024 08:00:00 +0000", "Re: other")); // 6
        // 6 answers a message that is not here; its subject makes it a reply to 3 (RFC 5256 §2.2 step 6).
        List<String> t1 = imap.command("t1", "THREAD REFERENCES UTF-8 ALL");
        assertThat(t1.get(0)).isEqualTo("* THREAD (3 6)(1 (5)(2 4))");
        assertThat(last(t1)).isEqualTo("t1 OK THREAD completed");
        assertThat(imap.command("t2", "THREAD ORDEREDSUBJECT UTF-8 ALL").get(0))
                .isEqualTo("* THREAD (6 3)(1 (5)(2)(4))");
        assertThat(imap.command("t3", "UID THREAD REFERENCES US-ASCII NOT SUBJECT other").get(0))
                .isEqualTo("* THREAD (1 (5)(2 4))");
        assertThat(imap.command("t4", "THREAD REFERENCES UTF-8 SUBJECT nothing").get(0)).isEqualTo("* THREAD");
        assertThat(last(imap.command("t5", "THREAD REFS UTF-8 ALL"))).startsWith("t5 BAD");
        assertThat(String.join(" ", imap.command("c", "CAPABILITY"))).contains(" THREAD=ORDEREDSUBJECT THREAD=REFERENCES");
    }

    @Test
    void quotaRootsAndDeletedStorage() {
        assertThat(last(imap.command("q0", "GETQUOTAROOT INBOX"))).startsWith("q0 BAD");
        login();
        assertThat(String.join("\n", imap.command("c", "CAPABILITY"))).contains(" QUOTA QUOTA=RES-STORAGE");
        // No quota on the account: no quota root.
        assertThat(imap.command("q1", "GETQUOTAROOT inbox")).containsExactly("* QUOTAROOT \"INBOX\"",
                "q1 OK GETQUOTAROOT completed");
        assertThat(last(imap.command("q2", "GETQUOTA \"\""))).startsWith("q2 NO [NONEXISTENT]");

        tern.services().directory().setQuota("alice@example.test", 1024L * 1024);
        String big = MESSAGE + "x".repeat(3000) + "\r\n";
        append("INBOX", "(\\Deleted)", big);
        append("INBOX", "(\\Deleted)", big);
        append("INBOX", "()", MESSAGE);
        long used = 2L * big.length() + MESSAGE.length();
        assertThat(imap.command("q3", "GETQUOTAROOT Sent")).containsExactly("* QUOTAROOT \"Sent\" \"\"",
                "* QUOTA \"\" (STORAGE " + used / 1024 + " 1024)", "q3 OK GETQUOTAROOT completed");
        assertThat(imap.command("q4", "GETQUOTA \"\"")).containsExactly("* QUOTA \"\" (STORAGE " + used / 1024 + " 1024)",
                "q4 OK GETQUOTA completed");
        assertThat(last(imap.command("q5", "GETQUOTA \"other\""))).startsWith("q5 NO [NONEXISTENT]");
        assertThat(last(imap.command("q6", "GETQUOTAROOT Nowhere"))).startsWith("q6 NO [NONEXISTENT]");
        assertThat(last(imap.command("q7", "SETQUOTA \"\" (STORAGE 10)"))).startsWith("q7 NO [NOPERM]");
        assertThat(last(imap.command("q8", "SETQUOTA \"\" (STORAGE)"))).startsWith("q8 BAD");

        // RFC 9208: what an EXPUNGE would free, in the units of STORAGE.
        assertThat(imap.command("s1", "STATUS INBOX (DELETED DELETED-STORAGE MESSAGES)").get(0))
                .isEqualTo("* STATUS \"INBOX\" (DELETED 2 DELETED-STORAGE " + 2L * big.length() / 1024 + " MESSAGES 3)");
        assertThat(imap.command("s2", "LIST \"\" INBOX RETURN (STATUS (DELETED-STORAGE))"))
                .contains("* STATUS \"INBOX\" (DELETED-STORAGE " + 2L * big.length() / 1024 + ")");
        assertThat(imap.command("s3", "STATUS Sent (DELETED-STORAGE)").get(0)).isEqualTo("* STATUS \"Sent\" (DELETED-STORAGE 0)");
        assertThat(last(imap.command("s4", "STATUS INBOX (DELETED_STORAGE)"))).startsWith("s4 BAD");
    }

    /** Searches for unseen messages start at the mailbox's first unseen one: those before it never match. */
    @Test
    void unseenSearchesFindTheUnseenMessagesWhereverTheFirstOneIs() {
        login();
        for (int i = 1; i <= 6; i++) {
            append("INBOX", i == 4 || i == 6 ? "()" : "(\\Seen)", message("a@example.test", "b@example.test", null,
                    "m" + i, i));
        }
        imap.command("s0", "SELECT INBOX");
        assertThat(imap.command("u1", "UID SEARCH UNSEEN").get(0)).isEqualTo("* SEARCH 4 6");
        assertThat(imap.command("u2", "SEARCH NOT SEEN").get(0)).isEqualTo("* SEARCH 4 6");
        assertThat(imap.command("u3", "SEARCH UNSEEN UID 1:5").get(0)).isEqualTo("* SEARCH 4");
        assertThat(imap.command("u4", "SEARCH OR UNSEEN UID 1").get(0)).isEqualTo("* SEARCH 1 4 6");

        // The first unseen message moves down, then there is none.
        imap.command("u5", "STORE 2 -FLAGS.SILENT (\\Seen)");
        assertThat(imap.command("u6", "UID SEARCH UNSEEN").get(0)).isEqualTo("* SEARCH 2 4 6");
        imap.command("u7", "STORE 1:* +FLAGS.SILENT (\\Seen)");
        assertThat(imap.command("u8", "UID SEARCH UNSEEN").get(0)).isEqualTo("* SEARCH");
        assertThat(imap.command("u9", "SEARCH RETURN (COUNT) UNSEEN").get(0)).isEqualTo("* ESEARCH (TAG \"u9\") COUNT 0");
        assertThat(imap.command("u10", "SEARCH SEEN").get(0)).isEqualTo("* SEARCH 1 2 3 4 5 6");
    }

    @Test
    void aSavedSearchResultIsUsedByLaterCommands() {
        login();
        for (int i = 1; i <= 6; i++) {
            append("INBOX", i % 2 == 0 ? "(\\Flagged)" : "()", message("a@example.test", "b@example.test", null, "m" + i, i));
        }
        assertThat(imap.command("c", "CAPABILITY").get(0)).contains(" SEARCHRES ");
        imap.command("s0", "SELECT INBOX");
        // WITHIN (RFC 5032): by age in seconds against the internal date.
        assertThat(imap.command("c2", "CAPABILITY").get(0)).contains(" WITHIN ");
        assertThat(imap.command("w1", "SEARCH YOUNGER 3600").get(0)).isEqualTo("* SEARCH 1 2 3 4 5 6");
        assertThat(imap.command("w2", "SEARCH OLDER 3600").get(0)).isEqualTo("* SEARCH");
        assertThat(last(imap.command("w3", "SEARCH OLDER 0"))).startsWith("w3 BAD");
        // Nothing saved yet: $ is empty, not an error.
        assertThat(imap.command("f0", "FETCH $ (UID)")).containsExactly("f0 OK FETCH completed");

        // SAVE alone: no ESEARCH, only the tagged OK.
        assertThat(imap.command("s1", "SEARCH RETURN (SAVE) FLAGGED")).containsExactly("s1 OK SEARCH completed");
        assertThat(imap.command("f1", "FETCH $ (UID)")).containsExactly("* 2 FETCH (UID 2)", "* 4 FETCH (UID 4)",
                "* 6 FETCH (UID 6)", "f1 OK FETCH completed");
        // The same messages in a UID command, and as a search key.
        assertThat(imap.command("f2", "UID FETCH $ (UID)")).containsExactly("* 2 FETCH (UID 2)", "* 4 FETCH (UID 4)",
                "* 6 FETCH (UID 6)", "f2 OK UID FETCH completed");
        assertThat(imap.command("s2", "SEARCH $ NOT UID 4").get(0)).isEqualTo("* SEARCH 2 6");

        // With MIN and/or MAX alone, $ holds what they return; with COUNT or ALL, every match.
        assertThat(imap.command("s3", "UID SEARCH RETURN (SAVE MIN) FLAGGED").get(0))
                .isEqualTo("* ESEARCH (TAG \"s3\") UID MIN 2");
        assertThat(imap.command("s4", "SEARCH RETURN () $").get(0)).isEqualTo("* ESEARCH (TAG \"s4\") ALL 2");
        imap.command("s5", "SEARCH RETURN (MIN MAX SAVE) FLAGGED");
        assertThat(imap.command("s6", "SEARCH RETURN () $").get(0)).isEqualTo("* ESEARCH (TAG \"s6\") ALL 2,6");
        imap.command("s7", "SEARCH RETURN (MAX COUNT SAVE) FLAGGED");
        assertThat(imap.command("s8", "SEARCH RETURN () $").get(0)).isEqualTo("* ESEARCH (TAG \"s8\") ALL 2,4,6");

        // An expunged message leaves $; sequence numbers move, the messages stay.
        assertThat(imap.command("e1", "STORE 4 +FLAGS.SILENT (\\Deleted)")).containsExactly("e1 OK STORE completed");
        assertThat(imap.command("e2", "EXPUNGE")).containsExactly("* 4 EXPUNGE", "e2 OK EXPUNGE completed");
        assertThat(imap.command("f3", "FETCH $ (UID)")).containsExactly("* 2 FETCH (UID 2)", "* 5 FETCH (UID 6)",
                "f3 OK FETCH completed");

        // STORE, COPY and MOVE take $ too; a pipelined command sees the result of the search before it.
        imap.command("m0", "CREATE Kept");
        imap.send("p1 UID SEARCH RETURN (SAVE) UID 1:3\r\np2 UID STORE $ +FLAGS.SILENT ($Kept)\r\np3 COPY $ Kept");
        assertThat(last(imap.until("p3"))).startsWith("p3 OK [COPYUID ").contains(" 1:3 1:3]");
        assertThat(imap.command("s9", "SEARCH KEYWORD $Kept").get(0)).isEqualTo("* SEARCH 1 2 3");
        // Flags are named without regard to case (RFC 9051 §2.3.2).
        assertThat(imap.command("kc1", "SEARCH KEYWORD $KEPT").get(0)).isEqualTo("* SEARCH 1 2 3");
        assertThat(imap.command("kc2", "SEARCH UNKEYWORD $kept UNDRAFT").get(0)).isEqualTo("* SEARCH 4 5");

        // A search answered NO empties $; a new selection starts with it empty.
        assertThat(last(imap.command("n1", "SEARCH RETURN (SAVE) CHARSET X-NO-SUCH-CHARSET TEXT x"))).startsWith("n1 NO [BADCHARSET");
        assertThat(imap.command("f4", "FETCH $ (UID)")).containsExactly("f4 OK FETCH completed");
        imap.command("s10", "SEARCH RETURN (SAVE) ALL");
        imap.command("s11", "SELECT INBOX");
        assertThat(imap.command("f5", "FETCH $ (UID)")).containsExactly("f5 OK FETCH completed");
        // $ stands alone: it is not a member of a larger set.
        assertThat(last(imap.command("f6", "FETCH 1,$ (UID)"))).startsWith("f6 BAD");
    }

    @Test
    void aCharsetUnknownEvenToJavaIsRefusedWithNoBadcharsetNotBad() {
        login();
        append("INBOX", "()", MESSAGE);
        imap.command("s0", "SELECT INBOX");
        String refused = " NO [BADCHARSET (UTF-8 US-ASCII)] search in UTF-8";
        assertThat(imap.command("c1", "SEARCH CHARSET X-UNKNOWN ALL")).containsExactly("c1" + refused);
        assertThat(imap.command("c2", "UID SEARCH CHARSET \"X-UNKNOWN\" SUBJECT {5+}\r\ncaf\u00e9"))
                .containsExactly("c2" + refused);
        assertThat(imap.command("c3", "SORT (DATE) X-UNKNOWN ALL")).containsExactly("c3" + refused);
        assertThat(imap.command("c4", "UID SORT RETURN (COUNT) (SUBJECT) X-UNKNOWN ALL")).containsExactly("c4" + refused);
        assertThat(imap.command("c5", "THREAD REFERENCES X-UNKNOWN ALL")).containsExactly("c5" + refused);
        assertThat(imap.command("c6", "UID THREAD ORDEREDSUBJECT X-UNKNOWN ALL")).containsExactly("c6" + refused);
        // A NO empties the saved result (RFC 5182 §2.1), whatever charset it was refused for.
        imap.command("c7", "SEARCH RETURN (SAVE) ALL");
        assertThat(imap.command("c8", "FETCH $ (UID)")).containsExactly("* 1 FETCH (UID 1)", "c8 OK FETCH completed");
        assertThat(imap.command("c9", "SEARCH RETURN (SAVE) CHARSET X-UNKNOWN ALL")).containsExactly("c9" + refused);
        assertThat(imap.command("c10", "FETCH $ (UID)")).containsExactly("c10 OK FETCH completed");
        // Bad syntax after the charset is still BAD.
        assertThat(last(imap.command("c11", "SEARCH CHARSET X-UNKNOWN NOSUCHKEY"))).startsWith("c11 BAD");
    }

    private static String responseCodeValue(List<String> lines, String code) {
        for (String l : lines) {
            int at = l.indexOf("[" + code + " ");
            if (at >= 0) {
                return l.substring(at + code.length() + 2, l.indexOf(']', at));
            }
        }
        throw new AssertionError(code + " not in " + lines);
    }

    @Test
    void aReturningClientLearnsWhatVanishedAndChangedWithQresync() {
        login();
        for (int i = 1; i <= 6; i++) {
            append("INBOX", "()", message("a@example.test", "b@example.test", null, "m" + i, i));
        }
        assertThat(imap.command("c", "CAPABILITY").get(0)).contains(" QRESYNC ");
        // The QRESYNC parameter and the VANISHED modifier need ENABLE QRESYNC first.
        assertThat(last(imap.command("b1", "SELECT INBOX (QRESYNC (1 1))"))).startsWith("b1 BAD");
        imap.command("b2", "SELECT INBOX");
        assertThat(last(imap.command("b3", "UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)"))).startsWith("b3 BAD");

        assertThat(imap.command("e", "ENABLE QRESYNC")).containsExactly("* ENABLED QRESYNC", "e OK ENABLE completed");
        List<String> select = imap.command("s1", "SELECT INBOX");
        assertThat(select).contains("* OK [CLOSED] previous mailbox closed");
        String uidValidity = responseCodeValue(select, "UIDVALIDITY");
        String before = responseCodeValue(select, "HIGHESTMODSEQ");

        // From now on expunges are told as VANISHED, by UID (RFC 7162 §3.2.10).
        imap.command("x1", "STORE 2 +FLAGS.SILENT (\\Seen)");
        imap.command("x2", "STORE 4 +FLAGS.SILENT (\\Deleted)");
        List<String> expunge = imap.command("x3", "EXPUNGE");
        assertThat(expunge).hasSize(2).first().isEqualTo("* VANISHED 4");
        assertThat(expunge.get(1)).matches("x3 OK \\[HIGHESTMODSEQ \\d+\\] EXPUNGE completed");
        assertThat(imap.command("x4", "EXPUNGE")).containsExactly("x4 OK EXPUNGE completed");
        // Another session expunges one message and flags another; this one hears of both.
        RawImapClient other = RawImapClient.loggedIn(tern.port("imap"), "alice@example.test", "alice-pw");
        try {
            other.command("o1", "SELECT INBOX");
            other.command("o2", "UID STORE 5 +FLAGS.SILENT (\\Flagged)");
            other.command("o3", "UID STORE 6 +FLAGS.SILENT (\\Deleted)");
            assertThat(last(other.command("o4", "EXPUNGE"))).isEqualTo("o4 OK EXPUNGE completed");
        } finally {
            other.close();
        }
        List<String> noop = imap.command("n", "NOOP");
        assertThat(noop).contains("* VANISHED 6").noneMatch(l -> l.endsWith(" EXPUNGE"));
        assertThat(noop).anyMatch(l -> l.matches("\\* 4 FETCH \\(UID 5 FLAGS \\(\\\\Flagged\\) MODSEQ \\(\\d+\\)\\)"));
        imap.command("l", "LOGOUT");
        imap.close();

        // A client coming back with what it knew: what vanished, then what changed, before the OK.
        imap = RawImapClient.loggedIn(tern.port("imap"), "alice@example.test", "alice-pw");
        imap.command("e2", "ENABLE QRESYNC");
        List<String> back = imap.command("r1", "SELECT INBOX (QRESYNC (" + uidValidity + " " + before + "))");
        int vanished = back.indexOf("* VANISHED (EARLIER) 4,6");
        assertThat(vanished).as(back.toString()).isPositive();
        assertThat(back.get(vanished - 1)).startsWith("* OK [HIGHESTMODSEQ ");
        assertThat(back.get(vanished + 1)).matches("\\* 2 FETCH \\(UID 2 FLAGS \\(\\\\Seen\\) MODSEQ \\(\\d+\\)\\)");
        assertThat(back.get(vanished + 2)).matches("\\* 4 FETCH \\(UID 5 FLAGS \\(\\\\Flagged\\) MODSEQ \\(\\d+\\)\\)");
        assertThat(back.get(vanished + 3)).isEqualTo("r1 OK [READ-WRITE] SELECT completed");
        // Known UIDs narrow what is told; a changed UIDVALIDITY tells nothing (the client starts over).
        assertThat(imap.command("r2", "EXAMINE INBOX (QRESYNC (" + uidValidity + " " + before + " 1:5))"))
                .contains("* VANISHED (EARLIER) 4").doesNotContain("* VANISHED (EARLIER) 4,6");
        assertThat(imap.command("r3", "SELECT INBOX (QRESYNC (" + uidValidity + "9 " + before + "))"))
                .noneMatch(l -> l.contains("VANISHED") || l.contains("FETCH"));

        // UID FETCH with VANISHED: expunged UIDs among those asked about, then the changed messages.
        assertThat(imap.command("f1", "UID FETCH 3:* (FLAGS) (CHANGEDSINCE " + before + " VANISHED)"))
                .hasSize(3).first().isEqualTo("* VANISHED (EARLIER) 4,6");
        assertThat(imap.command("f2", "UID FETCH 1:3 (FLAGS) (CHANGEDSINCE " + before + " VANISHED)"))
                .hasSize(2).first().asString().startsWith("* 2 FETCH (UID 2 FLAGS (\\Seen) MODSEQ (");
        // CLOSE says where its silent expunge left the mailbox.
        imap.command("z1", "UID STORE 1 +FLAGS.SILENT (\\Deleted)");
        assertThat(imap.command("z2", "CLOSE")).singleElement().asString().matches("z2 OK \\[HIGHESTMODSEQ \\d+\\] CLOSE completed");
    }

    @Test
    void onceOldExpungesAreDroppedQresyncTellsEveryUidThatIsNotThere() {
        login();
        for (int i = 1; i <= 4; i++) {
            append("INBOX", "()", message("a@example.test", "b@example.test", null, "m" + i, i));
        }
        imap.command("e", "ENABLE QRESYNC");
        imap.command("s1", "SELECT INBOX");
        imap.command("x1", "UID STORE 1 +FLAGS.SILENT (\\Deleted)");
        assertThat(imap.command("x2", "EXPUNGE")).contains("* VANISHED 1");
        List<String> select = imap.command("s2", "SELECT INBOX");
        String uidValidity = responseCodeValue(select, "UIDVALIDITY");
        String between = responseCodeValue(select, "HIGHESTMODSEQ");
        imap.command("x3", "UID STORE 3 +FLAGS.SILENT (\\Deleted)");
        assertThat(imap.command("x4", "EXPUNGE")).contains("* VANISHED 3");
        String resync = "EXAMINE INBOX (QRESYNC (" + uidValidity + " " + between;
        assertThat(imap.command("r1", resync + "))")).contains("* VANISHED (EARLIER) 3");

        long account = tern.services().directory().user("alice@example.test").orElseThrow().id();
        long inbox = tern.services().mailboxes().mailbox(account, "INBOX").orElseThrow().id();
        tern.services().metadata().writeAndWait(tx -> tx.mailboxes().trimExpunged(inbox, 0));
        // Which UIDs went after that MODSEQ is no longer known: every absent one is told.
        assertThat(imap.command("r2", resync + "))")).contains("* VANISHED (EARLIER) 1,3");
        assertThat(imap.command("r3", resync + " 2:*))")).contains("* VANISHED (EARLIER) 3");
        assertThat(imap.command("r4", "UID FETCH 1:2 (FLAGS) (CHANGEDSINCE " + between + " VANISHED)"))
                .containsExactly("* VANISHED (EARLIER) 1", "r4 OK UID FETCH completed");
    }

    /** Sends one command line over the client's DEFLATE stream and reads the responses up to its tag. */
    private static List<String> compressed(java.io.OutputStream out, java.io.InputStream in, String tag, String command)
            throws IOException {
        out.write((tag + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        List<String> lines = new java.util.ArrayList<>();
        String line;
        do {
            line = inflatedLine(in);
            lines.add(line);
        } while (!line.startsWith(tag + " "));
        return lines;
    }

    /**
     * One line of the server's inflated output. Read octet by octet: a Reader would ask for more
     * than the server sent (InflaterInputStream always says more is available) and wait.
     */
    private static String inflatedLine(java.io.InputStream in) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            assertThat(b).as("the server's stream ended").isNotNegative();
            line.write(b);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    @Test
    void compressionWorksBothWaysAndAFloodThatInflatesIsStillBounded() throws Exception {
        login();
        append("INBOX", "()", MESSAGE);
        assertThat(imap.command("c", "CAPABILITY").get(0)).contains(" COMPRESS=DEFLATE");
        assertThat(last(imap.command("z0", "COMPRESS LZW"))).startsWith("z0 BAD");
        assertThat(imap.command("z1", "COMPRESS DEFLATE")).containsExactly("z1 OK DEFLATE active");

        // RFC 4978: raw DEFLATE both ways from here, each side flushing after what it sends.
        var out = new java.util.zip.DeflaterOutputStream(imap.socket().getOutputStream(),
                new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true), 512, true);
        var in = new java.util.zip.InflaterInputStream(imap.socket().getInputStream(), new java.util.zip.Inflater(true), 512);
        assertThat(compressed(out, in, "n1", "NOOP")).containsExactly("n1 OK NOOP completed");
        assertThat(compressed(out, in, "c2", "CAPABILITY").get(0)).doesNotContain("COMPRESS=DEFLATE");
        assertThat(last(compressed(out, in, "z2", "COMPRESS DEFLATE"))).startsWith("z2 NO [COMPRESSIONACTIVE]");
        // A message streamed into the store through the inflater, and read back.
        String big = MESSAGE + "0123456789abcdef\r\n".repeat(50_000);
        byte[] bigBytes = big.getBytes(StandardCharsets.UTF_8);
        out.write(("ap2 APPEND INBOX () {" + bigBytes.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bigBytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(inflatedLine(in)).startsWith("ap2 OK [APPENDUID ");
        compressed(out, in, "s1", "SELECT INBOX");
        assertThat(String.join("\n", compressed(out, in, "f1", "FETCH 1 BODY.PEEK[]"))).contains("Hello Joe, do you think");
        assertThat(compressed(out, in, "f2", "FETCH 2 RFC822.SIZE").get(0)).isEqualTo("* 2 FETCH (RFC822.SIZE " + bigBytes.length + ")");

        // 8 MB of one line take a few kilobytes on the wire; inflated, they are refused as any
        // line over max_line is, piece by piece, and the session goes on.
        out.write("x1 NOOP ".getBytes(StandardCharsets.US_ASCII));
        byte[] flood = new byte[1 << 20];
        java.util.Arrays.fill(flood, (byte) 'a');
        for (int i = 0; i < 8; i++) {
            out.write(flood);
        }
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(inflatedLine(in)).startsWith("x1 BAD");
        assertThat(compressed(out, in, "n2", "NOOP")).containsExactly("n2 OK NOOP completed");
    }

    @Test
    void capabilityBeforeAndAfterLogin() {
        List<String> before = imap.command("c1", "CAPABILITY");
        assertThat(before.get(0)).contains("IMAP4rev2", "STARTTLS", "AUTH=PLAIN", "SASL-IR").doesNotContain("LOGINDISABLED");
        login();
        List<String> after = imap.command("c2", "CAPABILITY");
        assertThat(after.get(0)).contains("UIDPLUS", "MOVE", "CONDSTORE", "IDLE", "SPECIAL-USE").doesNotContain("STARTTLS");
        assertThat(last(after)).isEqualTo("c2 OK CAPABILITY completed");
    }

    @Test
    void commandsNeedTheRightState() {
        assertThat(last(imap.command("s1", "SELECT INBOX"))).startsWith("s1 BAD");
        assertThat(last(imap.command("s2", "FETCH 1 FLAGS"))).startsWith("s2 BAD");
        assertThat(last(imap.command("s3", "LOGIN alice@example.test wrong"))).startsWith("s3 NO [AUTHENTICATIONFAILED]");
        login();
        assertThat(last(imap.command("s4", "FETCH 1 FLAGS"))).startsWith("s4 BAD");
        assertThat(last(imap.command("s5", "LOGIN alice@example.test alice-pw"))).startsWith("s5 BAD");
        assertThat(last(imap.command("s6", "FROBNICATE"))).startsWith("s6 BAD");
        assertThat(last(imap.command("s7", "NOOP"))).isEqualTo("s7 OK NOOP completed");
    }

    @Test
    void commandsPipelinedAfterStartTlsAreDiscardedNotRunUnderTls() throws Exception {
        imap.send("t1 STARTTLS\r\nt2 LOGIN alice@example.test alice-pw");
        assertThat(imap.readLine()).startsWith("t1 OK");
        SSLContext trust = TestCertificates.trusting(tern.server().tls().certificate());
        SSLSocket tls = (SSLSocket) trust.getSocketFactory().createSocket(imap.socket(), "127.0.0.1", imap.socket().getPort(), true);
        tls.startHandshake();
        imap.replaceSocket(tls);
        // Had the plaintext LOGIN been kept, it would have run as if sent over TLS: no t2 answer, and
        // the session is still not authenticated.
        List<String> select = imap.command("t3", "SELECT INBOX");
        assertThat(select).noneMatch(line -> line.startsWith("t2 "));
        assertThat(last(select)).startsWith("t3 BAD");
        login();
    }

    @Test
    void aServerThatStopsSaysByeToItsClients() {
        login();
        tern.close();
        assertThat(imap.readLine()).startsWith("* BYE [UNAVAILABLE] ");
        assertThat(imap.readLine()).isNull();
    }

    @Test
    void selectFetchStoreSearchExpunge() {
        login();
        append("INBOX", "(\\Seen)", MESSAGE);
        append("INBOX", "()", MESSAGE.replace("afternoon", "morning"));
        List<String> select = imap.command("b1", "SELECT INBOX");
        assertThat(select).contains("* 2 EXISTS", "* OK [UNSEEN 2] first unseen");
        assertThat(select).anyMatch(l -> l.startsWith("* OK [UIDVALIDITY "));
        assertThat(select).anyMatch(l -> l.startsWith("* OK [PERMANENTFLAGS ("));
        assertThat(last(select)).isEqualTo("b1 OK [READ-WRITE] SELECT completed");

        List<String> fetch = imap.command("b2", "FETCH 1:2 (FLAGS RFC822.SIZE ENVELOPE)");
        assertThat(fetch.get(0)).startsWith("* 1 FETCH (FLAGS (\\Seen \\Recent) RFC822.SIZE " + MESSAGE.length()
                + " ENVELOPE (NIL \"afternoon meeting\" ((\"Fred Foobar\" NIL \"foobar\" \"example.test\"))");
        assertThat(last(fetch)).isEqualTo("b2 OK FETCH completed");

        List<String> body = imap.command("b3", "UID FETCH 2 (BODY.PEEK[HEADER.FIELDS (Subject)] BODY[TEXT]<0.5>)");
        assertThat(body.get(0)).startsWith("* 2 FETCH (UID 2 BODY[HEADER.FIELDS (SUBJECT)] {28}\r\nSubject: morning meeting\r\n\r\n")
                .endsWith(" BODY[TEXT]<0> {5}\r\nHello FLAGS (\\Seen \\Recent))");

        assertThat(imap.command("b4", "SEARCH SUBJECT morning").get(0)).isEqualTo("* SEARCH 2");
        assertThat(imap.command("b5", "UID SEARCH RETURN (COUNT MIN) SEEN").get(0))
                .isEqualTo("* ESEARCH (TAG \"b5\") UID MIN 1 COUNT 2");
        assertThat(last(imap.command("b6", "SEARCH CHARSET X-NO-SUCH-CHARSET TEXT x"))).startsWith("b6 NO [BADCHARSET");

        List<String> store = imap.command("b7", "STORE 1 +FLAGS (\\Deleted $Work)");
        assertThat(store.get(0)).isEqualTo("* 1 FETCH (UID 1 FLAGS (\\Seen \\Deleted $Work \\Recent))");
        assertThat(imap.command("b8", "EXPUNGE")).containsExactly("* 1 EXPUNGE", "b8 OK EXPUNGE completed");
        assertThat(imap.command("b9", "FETCH 1 UID").get(0)).isEqualTo("* 1 FETCH (UID 2)");
        assertThat(last(imap.command("b10", "FETCH 5 UID"))).startsWith("b10 BAD");
    }

    @Test
    void mailboxTreeListAndStatus() {
        login();
        assertThat(last(imap.command("m1", "CREATE Projects/Tern"))).matches("m1 OK \\[MAILBOXID \\(F[0-9]+-[0-9]+\\)\\] CREATE completed");
        assertThat(last(imap.command("m2", "CREATE Projects/Tern"))).startsWith("m2 NO [ALREADYEXISTS]");
        List<String> list = imap.command("m3", "LIST \"\" \"Projects*\"");
        assertThat(list).contains("* LIST (\\HasChildren) \"/\" \"Projects\"", "* LIST (\\HasNoChildren) \"/\" \"Projects/Tern\"");
        assertThat(imap.command("m4", "LIST \"\" \"\"").get(0)).isEqualTo("* LIST (\\Noselect) \"/\" \"\"");
        assertThat(imap.command("m5", "LIST \"\" Sent RETURN (SPECIAL-USE STATUS (MESSAGES UIDNEXT))"))
                .contains("* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"", "* STATUS \"Sent\" (MESSAGES 0 UIDNEXT 1)");
        assertThat(last(imap.command("m6", "RENAME Projects/Tern Projects/Swift"))).startsWith("m6 OK");
        assertThat(imap.command("m7", "STATUS Projects/Swift (MESSAGES UNSEEN)").get(0))
                .isEqualTo("* STATUS \"Projects/Swift\" (MESSAGES 0 UNSEEN 0)");
        assertThat(last(imap.command("m8", "DELETE Nowhere"))).startsWith("m8 NO [NONEXISTENT]");
        assertThat(last(imap.command("m9", "SUBSCRIBE Projects/Swift"))).startsWith("m9 OK");
        assertThat(imap.command("m10", "LSUB \"\" Projects/*").get(0)).isEqualTo("* LSUB (\\HasNoChildren) \"/\" \"Projects/Swift\"");
        assertThat(last(imap.command("m11", "APPEND Nowhere {3+}\r\nabc"))).startsWith("m11 NO [TRYCREATE]");
        assertThat(imap.command("m12", "STATUS Nowhere (MESSAGES)")).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("m12 NO [NONEXISTENT]");
        // A parent deleted while it has children stays as a name only (\Noselect): no status to give.
        assertThat(last(imap.command("m13", "DELETE Projects"))).startsWith("m13 OK");
        assertThat(imap.command("m14", "STATUS Projects (MESSAGES)")).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("m14 NO").contains("holds no messages");
        // A name that is not modified UTF-7 is well formed but cannot name a mailbox: NO, as Dovecot answers.
        assertThat(last(imap.command("m15", "CREATE &Jjo"))).isEqualTo("m15 NO Mailbox name is not valid modified UTF-7 (unterminated '&')");
        assertThat(last(imap.command("m16", "SELECT \"Gr\u00fc\u00dfe\""))).startsWith("m16 NO").contains("8-bit");
        assertThat(last(imap.command("m17", "APPEND &Jjo {3+}\r\nabc"))).startsWith("m17 NO").contains("modified UTF-7");
        assertThat(last(imap.command("m18", "CREATE"))).as("a missing name is a syntax error").startsWith("m18 BAD");
        assertThat(last(imap.command("m19", "NOOP"))).isEqualTo("m19 OK NOOP completed");
    }

    /** The object id inside {@code NAME (id)} of a line. */
    private static String objectId(String line, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(name + " \\(([A-Za-z0-9_-]{1,255})\\)").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return m.group(1);
    }

    @Test
    void objectIdsFollowMailboxesThroughRenamesAndMessagesThroughCopies() {
        login();
        assertThat(imap.command("o0", "CAPABILITY").get(0)).contains(" OBJECTID");
        String created = objectId(last(imap.command("o1", "CREATE Projects")), "MAILBOXID");
        assertThat(last(imap.command("o1", "CREATE Other"))).startsWith("o1 OK [MAILBOXID (");
        assertThat(imap.command("o2", "STATUS Projects (MAILBOXID MESSAGES)").get(0))
                .isEqualTo("* STATUS \"Projects\" (MAILBOXID (" + created + ") MESSAGES 0)");
        assertThat(last(imap.command("o3", "RENAME Projects Kept"))).startsWith("o3 OK");
        assertThat(objectId(imap.command("o4", "STATUS Kept (MAILBOXID)").get(0), "MAILBOXID"))
                .as("a renamed mailbox keeps its id").isEqualTo(created);
        assertThat(imap.command("o5", "LIST \"\" Kept RETURN (STATUS (MAILBOXID))"))
                .anyMatch(l -> l.equals("* STATUS \"Kept\" (MAILBOXID (" + created + "))"));

        append("INBOX", "()", MESSAGE);
        append("INBOX", "()", MESSAGE.replace("afternoon", "morning"));
        List<String> select = imap.command("o6", "SELECT INBOX");
        String inbox = objectId(select.stream().filter(l -> l.startsWith("* OK [MAILBOXID")).findFirst().orElseThrow(),
                "MAILBOXID");
        assertThat(inbox).isNotEqualTo(created);
        List<String> fetched = imap.command("o7", "FETCH 1:2 (EMAILID THREADID)");
        assertThat(fetched.get(0)).matches("\\* 1 FETCH \\(EMAILID \\(M[A-Za-z0-9_-]+\\) THREADID NIL\\)");
        String first = objectId(fetched.get(0), "EMAILID");
        String second = objectId(fetched.get(1), "EMAILID");
        assertThat(first).as("two messages, two ids").isNotEqualTo(second);
        assertThat(imap.command("o8", "SEARCH EMAILID " + second).get(0)).isEqualTo("* SEARCH 2");
        assertThat(imap.command("o9", "SEARCH THREADID T1").get(0)).isEqualTo("* SEARCH");
        assertThat(last(imap.command("o10", "SEARCH EMAILID no!such"))).startsWith("o10 BAD");

        assertThat(last(imap.command("o11", "COPY 1 Kept"))).startsWith("o11 OK");
        assertThat(last(imap.command("o12", "MOVE 2 Kept"))).startsWith("o12 OK");
        assertThat(last(imap.command("o13", "SELECT Kept"))).startsWith("o13 OK");
        List<String> copies = imap.command("o14", "UID FETCH 1:* (EMAILID)");
        assertThat(copies.subList(0, 2)).extracting(l -> objectId(l, "EMAILID"))
                .as("copied and moved messages keep their ids").containsExactly(first, second);

        assertThat(last(imap.command("o15", "CLOSE"))).startsWith("o15 OK");
        assertThat(last(imap.command("o16", "DELETE Other"))).startsWith("o16 OK");
        String again = objectId(last(imap.command("o17", "CREATE Other")), "MAILBOXID");
        assertThat(again).as("a mailbox made again under an old name is another").isNotEqualTo(created);
        assertThat(imap.command("o18", "STATUS Other (MAILBOXID)").get(0)).contains(again);
    }

    @Test
    void copyAndMoveReportUids() {
        login();
        append("INBOX", "(\\Flagged)", MESSAGE);
        imap.command("c0", "SELECT INBOX");
        assertThat(last(imap.command("c1", "COPY 1 Archive"))).matches("c1 OK \\[COPYUID \\d+ 1 1\\] COPY completed");
        List<String> move = imap.command("c2", "UID MOVE 1 Trash");
        assertThat(move.get(0)).matches("\\* OK \\[COPYUID \\d+ 1 1\\] moved");
        assertThat(move.get(1)).isEqualTo("* 1 EXPUNGE");
        assertThat(imap.command("c3", "STATUS Archive (MESSAGES)").get(0)).isEqualTo("* STATUS \"Archive\" (MESSAGES 1)");
        assertThat(last(imap.command("c4", "COPY 1:* Nowhere"))).startsWith("c4 BAD");
    }

    @Test
    void oversizeLiteralRefusedWithoutReadingIt() {
        login();
        imap.send("t1 APPEND INBOX {2000000}");
        assertThat(imap.readLine()).startsWith("t1 NO [TOOBIG]");
        // The client sends nothing more for that command; the session goes on.
        assertThat(last(imap.command("t2", "NOOP"))).isEqualTo("t2 OK NOOP completed");
        imap.send("t3 APPEND INBOX {2000000+}");
        imap.sendBytes(new byte[2_000_000]);
        imap.send("");
        assertThat(imap.until("t3").get(0)).startsWith("t3 ");
        assertThat(last(imap.command("t4", "NOOP"))).isEqualTo("t4 OK NOOP completed");
    }

    @Test
    void aTooBigLiteralIsRefusedNamingTheLimitThatApplies() {
        login();
        // APPEND's message: the message size limit, max_literal here, announced as APPENDLIMIT.
        imap.send("t1 APPEND INBOX {2000000}");
        assertThat(imap.readLine())
                .isEqualTo("t1 NO [TOOBIG] message of 2000000 octets exceeds the limit of 1048576 octets (APPENDLIMIT)");
        assertThat(String.join(" ", imap.command("c", "CAPABILITY"))).contains(" APPENDLIMIT=1048576");
        // Any other literal is buffered with its command: 4 x max_line (64 KiB) for all of it.
        String overCommand = " NO [TOOBIG] a literal of 300000 octets would take the command over the limit of"
                + " 262144 octets for a command and its literals";
        imap.send("t2 SELECT {300000}");
        assertThat(imap.readLine()).isEqualTo("t2" + overCommand);
        imap.send("t3 LOGIN x {300000+}");
        imap.sendBytes(new byte[300_000]);
        imap.send("");
        assertThat(imap.readLine()).isEqualTo("t3" + overCommand);
        // Each literal within the limit, the two together over it.
        imap.send("t4 ID (\"a\" {200000+}\r\n" + "x".repeat(200_000) + " \"b\" {200000+}\r\n" + "y".repeat(200_000) + ")");
        assertThat(imap.readLine()).isEqualTo("t4" + overCommand.replace("300000", "200000"));
        assertThat(last(imap.command("t5", "NOOP"))).isEqualTo("t5 OK NOOP completed");
    }

    @Test
    void syntaxErrorsKeepTheSessionGoing() {
        assertThat(imap.command("x1", "LOGIN").get(0)).startsWith("x1 BAD");
        imap.send("no-space-at-all");
        assertThat(imap.readLine()).startsWith("* BAD");
        login();
        assertThat(last(imap.command("x2", "SELECT \"unterminated"))).startsWith("x2 BAD");
        assertThat(last(imap.command("x3", "LOGOUT"))).isEqualTo("x3 OK LOGOUT completed");
    }

    @Test
    void idleReportsChangesAndEndsWithDone() {
        login();
        imap.command("i0", "SELECT INBOX");
        imap.send("i1 IDLE");
        assertThat(imap.readLine()).startsWith("+ ");
        try (RawImapClient other = new RawImapClient(tern.port("imap"))) {
            other.readLine();
            other.command("o1", "LOGIN alice@example.test alice-pw");
            other.command("o2", "APPEND INBOX (\\Answered) {" + MESSAGE.length() + "+}\r\n" + MESSAGE);
        }
        assertThat(imap.readLine()).isEqualTo("* 1 EXISTS");
        // The only session with INBOX selected takes the new message as \Recent, and says so.
        assertThat(imap.readLine()).isEqualTo("* 1 RECENT");
        imap.send("DONE");
        assertThat(imap.readLine()).isEqualTo("i1 OK IDLE terminated");
    }

    private void store(String message) {
        long account = tern.services().directory().user("alice@example.test").orElseThrow().id();
        long inbox = tern.services().mailboxes().mailbox(account, "INBOX").orElseThrow().id();
        tern.services().mailboxes().messageService().append(inbox, message.getBytes(StandardCharsets.UTF_8),
                dev.tern.mailbox.Flags.NONE, java.time.Instant.parse("2024-02-01T10:00:00Z"));
    }

    @Test
    void bigMessageIsStreamedWholeAndPartially() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() < 3_000_000; i++) {
            body.append("line ").append(i).append(" of a long message that is streamed in chunks\r\n");
        }
        String message = "Subject: big\r\n\r\n" + body;
        store(message);
        login();
        imap.command("g1", "EXAMINE INBOX");
        List<String> whole = imap.command("g2", "FETCH 1 BODY.PEEK[]");
        assertThat(whole.get(0)).isEqualTo("* 1 FETCH (BODY[] {" + message.length() + "}\r\n" + message + ")");
        List<String> part = imap.command("g3", "FETCH 1 (BODY.PEEK[TEXT]<2000000.20> INTERNALDATE)");
        assertThat(part.get(0)).isEqualTo("* 1 FETCH (BODY[TEXT]<2000000> {20}\r\n" + body.substring(2_000_000, 2_000_020)
                + " INTERNALDATE \" 1-Feb-2024 10:00:00 +0000\")");
    }

    @Test
    void nulsGoOutAs0x80ExceptInBinaryLiterals() {
        String small = "Subject: nul\r\nX-Null: a\u0000b\r\n\r\nbefore\u0000after\r\n";
        String big = "Subject: big nul\r\n\r\n" + "x".repeat(70_000) + "\u0000end\r\n";
        store(small);
        store(big);
        login();
        imap.command("n1", "EXAMINE INBOX");
        String shown = small.replace('\u0000', '\uFFFD');
        assertThat(imap.command("n2", "FETCH 1 (BODY.PEEK[] RFC822.TEXT BODY.PEEK[HEADER.FIELDS (X-Null)])").get(0))
                .isEqualTo("* 1 FETCH (BODY[] {" + small.length() + "}\r\n" + shown
                        + " RFC822.TEXT {14}\r\nbefore\uFFFDafter\r\n"
                        + " BODY[HEADER.FIELDS (X-NULL)] {15}\r\nX-Null: a\uFFFDb\r\n\r\n)");
        assertThat(imap.command("n3", "FETCH 1 BINARY.PEEK[1]").get(0))
                .isEqualTo("* 1 FETCH (BINARY[1] ~{14}\r\nbefore\u0000after\r\n)");
        List<String> streamed = imap.command("n4", "FETCH 2 BODY.PEEK[TEXT]");
        assertThat(streamed.get(0)).startsWith("* 1 FETCH (BODY[TEXT] {70006}\r\nxxx".replace("* 1", "* 2"))
                .endsWith("x\uFFFDend\r\n)").doesNotContain("\u0000");
    }

    @Test
    void binaryDecodesTransferEncodings() {
        store("Subject: parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nfirst\r\n"
                + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "aGVsbG8gYmluYXJ5\r\n--b--\r\n");
        login();
        imap.command("h1", "SELECT INBOX");
        assertThat(imap.command("h2", "FETCH 1 (BINARY.SIZE[2] BINARY.PEEK[2] BODY.PEEK[2.MIME])").get(0))
                .isEqualTo("* 1 FETCH (BINARY.SIZE[2] 12 BINARY[2] ~{12}\r\nhello binary BODY[2.MIME] {77}\r\n"
                        + "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n)");
        assertThat(imap.command("h3", "FETCH 1 BODYSTRUCTURE").get(0)).startsWith("* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\"");
    }

    @Test
    void binaryRefusesAnUnknownTransferEncodingAndKeepsInvalidEscapesAsTheyAre() {
        store("Subject: uuencoded\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n"
                + "begin 644 x\r\n");
        store("Subject: qp\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "=ZZ=4\r\nabc=\r\n");
        store("Subject: parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nfirst\r\n"
                + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: X-GZIP\r\n\r\n"
                + "not gzip\r\n--b--\r\n");
        login();
        imap.command("u0", "SELECT INBOX");
        String refused = " NO [UNKNOWN-CTE] a part asked for has a Content-Transfer-Encoding this server cannot decode;"
                + " BODY[] gives its octets";
        assertThat(imap.command("u1", "FETCH 1 BINARY.PEEK[1]")).containsExactly("u1" + refused);
        assertThat(imap.command("u2", "UID FETCH 1 BINARY.SIZE[1]")).containsExactly("u2" + refused);
        // The other messages are answered; the one that cannot be is left out, and the command fails.
        assertThat(imap.command("u3", "FETCH 1:3 (BINARY.SIZE[1] BINARY.PEEK[1])")).containsExactly(
                "* 2 FETCH (BINARY.SIZE[1] 10 BINARY[1] ~{10}\r\n=ZZ=4\r\nabc)",
                "* 3 FETCH (BINARY.SIZE[1] 5 BINARY[1] ~{5}\r\nfirst)",
                "u3" + refused);
        assertThat(imap.command("u4", "FETCH 3 BINARY.PEEK[2]")).containsExactly("u4" + refused);
        // Without .PEEK too, and the message that could not be read does not become \\Seen.
        assertThat(imap.command("u5", "FETCH 1:2 BINARY[1]")).containsExactly(
                "* 2 FETCH (BINARY[1] ~{10}\r\n=ZZ=4\r\nabc FLAGS (\\Seen \\Recent))", "u5" + refused);
        // BODY[] gives the octets as they are.
        assertThat(imap.command("u6", "FETCH 1 (FLAGS BODY.PEEK[1])")).containsExactly(
                "* 1 FETCH (FLAGS (\\Recent) BODY[1] {13}\r\nbegin 644 x\r\n)", "u6 OK FETCH completed");
        // The whole message and a multipart are sent as they are, whatever their parts' encodings.
        assertThat(last(imap.command("u7", "FETCH 3 (BINARY.PEEK[] BINARY.SIZE[])"))).isEqualTo("u7 OK FETCH completed");
    }
}
