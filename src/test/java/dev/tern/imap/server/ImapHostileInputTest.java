package dev.tern.imap.server;

import dev.tern.directory.Account;
import dev.tern.imap.protocol.FramingLimits;
import dev.tern.imap.server.HostileImapClient.Outcome;
import dev.tern.mailbox.Flags;
import dev.tern.store.Rows;
import dev.tern.testing.HostileInput;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A running IMAP server against hostile input: a few hundred seeded mutations of valid commands
 * before login, after it and with INBOX selected, then odd sequences (literals over the limits,
 * a synchronizing literal left unsent, a non-synchronizing one of the wrong length, IDLE then
 * garbage, DONE without IDLE, AUTHENTICATE with bad base64 and {@code *}, commands in the wrong
 * state, over-long lines). Each response must be well formed and show nothing internal (see
 * {@link HostileImapClient}), the session must answer NOOP afterwards unless it said BYE with a
 * reason, and the messages in INBOX must be as delivered at the end.
 */
class ImapHostileInputTest {

    private static final String USER = "alice@example.test";
    private static final String PASSWORD = "alice-pw";
    private static final int MAX_LINE = 8192;
    private static final long MAX_LITERAL = 64 * 1024;
    /** The server's framing with this test's settings (see ImapContext#limits). */
    private static final FramingLimits LIMITS = new FramingLimits(MAX_LINE, MAX_LITERAL, 4L * MAX_LINE, false);
    private static final int PER_STATE = 100;

    /** Nothing here removes a message from INBOX: no EXPUNGE, MOVE, CLOSE or \Deleted, no APPEND to it. */
    private static final List<String> BEFORE_LOGIN = List.of(
            "a1 LOGIN mallory@example.test \"wrong \\\"pw\\\\\"",
            "a2 LOGIN {20}\r\nmallory@example.test {5+}\r\nwrong",
            "a3 AUTHENTICATE PLAIN AG1hbGxvcnlAZXhhbXBsZS50ZXN0AHdyb25n",
            "a4 AUTHENTICATE PLAIN",
            "a5 CAPABILITY",
            "a6 ID (\"name\" \"Thunderbird\" \"version\" NIL)",
            "a7 ENABLE UTF8=ACCEPT",
            "a8 SELECT INBOX",
            "a9 FETCH 1:* (BODY.PEEK[HEADER.FIELDS (FROM)]<0.100> FLAGS)",
            "a10 NOOP",
            "a11 STARTTLS",
            "a12 AUTHENTICATE SCRAM-SHA-256");

    private static final List<String> AFTER_LOGIN = List.of(
            "b1 SELECT INBOX (CONDSTORE)",
            "b2 EXAMINE \"Sent &AOk-l&AOk-ments\" (QRESYNC (67890007 20050715194045000 41,43:211,214:541))",
            "b3 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (\"INBOX\" \"%\") RETURN (CHILDREN STATUS (MESSAGES UNSEEN))",
            "b4 STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ SIZE)",
            "b5 APPEND Drafts (\\Seen) \" 7-Feb-1994 21:52:25 -0800\" {19}\r\nSubject: hi\r\n\r\nbody",
            "b6 APPEND Drafts {13+}\r\nSubject: x\r\n\r\n {5+}\r\nhello",
            "b7 CREATE \"Projects/2024\" (USE (\\Archive))",
            "b8 RENAME \"Projects/2024\" {13+}\r\nProjects/2025",
            "b9 GETMETADATA (MAXSIZE 1024 DEPTH infinity) INBOX (/private/comment /shared/comment)",
            "b10 SETMETADATA Drafts (/private/comment {4}\r\nnote)",
            "b11 NAMESPACE",
            "b12 ENABLE CONDSTORE QRESYNC UTF8=ACCEPT IMAP4rev2",
            "b13 COMPRESS DEFLATE",
            "b14 GETQUOTAROOT INBOX",
            "b15 MYRIGHTS INBOX",
            "b16 LOGIN alice@example.test alice-pw",
            "b17 IDLE");

    private static final List<String> SELECTED = List.of(
            "c1 FETCH 1:* (BODY.PEEK[HEADER.FIELDS (FROM)]<0.100> FLAGS)",
            "c2 UID FETCH 1:* (UID BODYSTRUCTURE BINARY.PEEK[1]<0.10> BINARY.SIZE[1] ENVELOPE) (CHANGEDSINCE 1)",
            "c3 UID SEARCH CHARSET UTF-8 OR (FROM \"x\" SINCE 1-Jan-2020) NOT SEEN",
            "c4 SEARCH RETURN (MIN MAX COUNT SAVE) 1:5,7 UID 2:* LARGER 10 HEADER \"X-Spam\" {3}\r\nyes",
            "c5 STORE 1:3 +FLAGS.SILENT (\\Flagged $Junk)",
            "c6 UID STORE 1 (UNCHANGEDSINCE 12121230045) -FLAGS \\Seen",
            "c7 UID COPY 1:2 Archive",
            "c8 SORT (REVERSE ARRIVAL SUBJECT) UTF-8 ALL",
            "c9 UID SORT RETURN (ALL) (DATE) US-ASCII SUBJECT \"hello\" SENTBEFORE 1-Feb-2094",
            "c10 THREAD REFERENCES UTF-8 ALL",
            "c11 UID THREAD ORDEREDSUBJECT UTF-8 OR TEXT \"a\" BODY {2}\r\nbc NOT (DRAFT UNSEEN)",
            "c12 FETCH $ (PREVIEW (LAZY) SAVEDATE EMAILID RFC822.SIZE)",
            "c13 IDLE",
            "c14 FETCH 2 (BODY[TEXT] BODY.PEEK[1.MIME] RFC822.HEADER)",
            "c15 SEARCH EMAILID M6d99ac3275bb4e THREADID T64b478a75b7ea9 OLDER 3600 SAVEDSINCE 1-Jan-2020",
            "c16 UNSELECT",
            "c17 CHECK");

    @TempDir
    Path dir;
    RunningServer tern;
    private final List<byte[]> delivered = new ArrayList<>();

    @BeforeEach
    void start() {
        tern = new RunningServer(dir, """
                [imap]
                allow_plaintext_auth = true
                max_line = 8192
                max_literal = "64KB"
                [auth]
                lockout_failures = 1000000
                max_failure_delay = "1ms"
                """, "imap = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser(USER, PASSWORD);
        Account a = tern.services().directory().user(USER).orElseThrow();
        long inbox = tern.services().mailboxes().mailbox(a.id(), "INBOX").orElseThrow().id();
        for (int i = 1; i <= 3; i++) {
            byte[] m = ("From: Fred <fred@example.test>\r\nTo: alice@example.test\r\nSubject: message " + i
                    + "\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\n\r\nHello " + i + ".\r\n").getBytes(StandardCharsets.UTF_8);
            tern.services().mailboxes().messageService().append(inbox, m, Flags.NONE, Instant.now());
            delivered.add(m);
        }
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private enum State { NOT_AUTHENTICATED, AUTHENTICATED, SELECTED }

    /** A connection in the state asked for. */
    private HostileImapClient connect(State state) throws IOException {
        HostileImapClient c = new HostileImapClient(tern.port("imap"), LIMITS);
        c.greeting();
        if (state != State.NOT_AUTHENTICATED) {
            assertThat(last(c.command("l", "LOGIN " + USER + " " + PASSWORD))).startsWith("l OK");
        }
        if (state == State.SELECTED) {
            assertThat(last(c.command("s", "SELECT INBOX"))).startsWith("s OK");
        }
        return c;
    }

    @Test
    void mutatedCommandsInEachStateAreAnsweredAndTheSessionGoesOn() throws IOException {
        run(State.NOT_AUTHENTICATED, BEFORE_LOGIN, 1000);
        run(State.AUTHENTICATED, AFTER_LOGIN, 2000);
        run(State.SELECTED, SELECTED, 3000);
        assertMessagesIntact();
    }

    /** {@value #PER_STATE} mutations of {@code commands}, on a connection in {@code state}, reconnecting after BYE. */
    private void run(State state, List<String> commands, int firstSeed) throws IOException {
        List<HostileInput.Case> cases = HostileInput.seeded("in " + state, commands, firstSeed, PER_STATE);
        int alive = HostileInput.drive(() -> connect(state), cases,
                (c, k) -> c.exchange(k.input(), k.source().substring(0, k.source().indexOf(' '))) == Outcome.ALIVE,
                HostileImapClient::transcript);
        // Most mutations leave a session that goes on: BYE is for the repeated offender only.
        assertThat(alive).as("exchanges after which the session went on, in %s", state).isGreaterThan(PER_STATE / 2);
    }

    @Test
    void oddSequencesAreAnsweredAndTheSessionGoesOn() throws IOException {
        List<String> beforeLogin = List.of(
                "DONE",
                "a AUTHENTICATE PLAIN ====",
                "a AUTHENTICATE PLAIN !!!!",
                "a AUTHENTICATE PLAIN *",
                "a AUTHENTICATE XYZZY",
                "a AUTHENTICATE PLAIN\r\n*",
                "a AUTHENTICATE PLAIN\r\n%%% not base64 %%%",
                "a AUTHENTICATE PLAIN\r\n" + "A".repeat(20_000),
                "a FETCH 1 FLAGS",
                "a SELECT INBOX",
                "a IDLE",
                "a LOGIN {99999999999999999999}",
                "a LOGIN {100000}",
                "a LOGIN {3+}\r\nmallory@example.test pw",
                "a LOGIN " + "x".repeat(100_000),
                "a NOOP " + "x".repeat(100_000) + " {5+}\r\nabcde",
                "\0\0\0\r\n\r\n\r\n",
                "* NOOP",
                "+ NOOP",
                "a\tNOOP");
        List<String> selected = List.of(
                "DONE",
                "a IDLE\r\ngarbage here",
                "a IDLE\r\n\0\0\0",
                "a IDLE\r\nDONE {5}",
                "a IDLE\r\n" + "x".repeat(100_000),
                "a LOGIN alice@example.test alice-pw",
                "a AUTHENTICATE PLAIN",
                "a APPEND Drafts {100000}",
                "a APPEND Drafts {70000+}\r\n" + "x".repeat(70_000),
                "a APPEND Drafts {10}\r\nshort",
                "a APPEND Drafts {5+}\r\n0123456789",
                "a APPEND Nowhere {5+}\r\nhello",
                "a APPEND INBOX {5+}\r\nhello junk {3+}\r\nabc",   // MULTIAPPEND with junk between: all or nothing
                "a APPEND INBOX (\\Seen) \"99-Foo-1994 99:99:99 +9999\" {5+}\r\nhello",
                "a APPEND INBOX {40000+}\r\n" + "y".repeat(40_000) + " trailing junk",
                "a SETMETADATA INBOX (/private/comment {40000})",
                "a FETCH 4294967296 FLAGS",
                "a FETCH 1:4294967295 (BODY[" + "1.".repeat(2000) + "1])",
                "a SEARCH " + "(".repeat(2000) + "ALL" + ")".repeat(2000),
                "a SEARCH " + "NOT ".repeat(1500) + "ALL",
                "a UID SEARCH CHARSET X-NO-SUCH-CHARSET ALL",
                "a SEARCH CHARSET UTF-8 SUBJECT {2}\r\n\u00ff\u00fe",
                "a STORE 1 +FLAGS (\\Seen \\\\Deleted)",
                "a COPY $ Nowhere",
                "a COMPRESS XZ",
                "a ENABLE",
                "a SELECT &&&",
                "a SELECT \"\u00e9\"",
                "a FETCH 1 BINARY[1]<0.0>",
                "a NOOP {0}\r\n",
                "a NOOP {5}\r\nabcde",
                "a UID EXPUNGE *:*x");
        oddSequences(State.NOT_AUTHENTICATED, beforeLogin);
        oddSequences(State.SELECTED, selected);
        assertMessagesIntact();
    }

    private void oddSequences(State state, List<String> inputs) throws IOException {
        int alive = HostileInput.drive(() -> connect(state), HostileInput.asWritten("in " + state, inputs),
                (c, k) -> c.exchange(k.input(), k.source().startsWith("a ") ? "a" : null) == Outcome.ALIVE,
                HostileImapClient::transcript);
        // Only the bad-command limit may end a session here (a BYE after 20 errors).
        assertThat(alive).as("exchanges after which the session went on, in %s", state)
                .isGreaterThanOrEqualTo(inputs.size() - inputs.size() / ImapSession.MAX_ERRORS);
    }

    @Test
    void aSynchronizingLiteralLeftUnsentCostsOnlyThatConnection() throws IOException {
        try (HostileImapClient c = connect(State.SELECTED)) {
            c.send("a APPEND INBOX {500}\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.readLine()).startsWith("+ ");
            c.send("Subject: half\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        try (HostileImapClient c = connect(State.SELECTED)) {
            c.send("a LOGIN {5}\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertMessagesIntact();
    }

    @Test
    void partialFetchesOfAnyOffsetAndLengthStayInsideTheMessage() throws IOException {
        // <offset.length> up to 2^63-1: the sums overflowed, and the server announced a literal of
        // 2^63-1 octets and streamed without end.
        String max = String.valueOf(Long.MAX_VALUE);
        try (HostileImapClient c = connect(State.SELECTED)) {
            List<String> fetch = c.command("f", "FETCH 1 (BODY.PEEK[]<" + max + "." + max + "> BODY.PEEK[TEXT]<" + max
                    + ".1> BODY.PEEK[TEXT]<1." + max + "> BINARY.PEEK[1]<" + max + ".1>)");
            assertThat(fetch.get(0)).isEqualTo("* 1 FETCH (BODY[]<" + max + "> {0}\r\n BODY[TEXT]<" + max + "> {0}\r\n"
                    + " BODY[TEXT]<1> {9}\r\nello 1.\r\n BINARY[1]<" + max + "> ~{0}\r\n)");
            assertThat(last(fetch)).startsWith("f OK");
            fetch = c.command("g", "FETCH 1 (BODY.PEEK[HEADER.FIELDS (Subject)]<1." + max
                    + "> BODY.PEEK[HEADER.FIELDS (Subject)]<" + max + "." + max + ">)");
            assertThat(fetch.get(0)).isEqualTo("* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)]<1> {21}\r\nubject: message 1\r\n\r\n"
                    + " BODY[HEADER.FIELDS (SUBJECT)]<" + max + "> {0}\r\n)");
            assertThat(last(fetch)).startsWith("g OK");
            assertThat(last(c.command("n", "NOOP"))).startsWith("n OK");
        }
    }

    /** INBOX holds what was delivered, as the store and as a fresh IMAP session see it. */
    private void assertMessagesIntact() throws IOException {
        List<Rows.Message> inbox = tern.inbox(USER);
        assertThat(inbox).hasSize(delivered.size());
        for (int i = 0; i < inbox.size(); i++) {
            assertThat(tern.content(inbox.get(i))).isEqualTo(new String(delivered.get(i), StandardCharsets.UTF_8));
        }
        try (HostileImapClient c = connect(State.AUTHENTICATED)) {
            List<String> select = c.command("s", "EXAMINE INBOX");
            assertThat(select).contains("* 3 EXISTS");
            List<String> fetch = c.command("f", "FETCH 2 BODY.PEEK[]");
            String body = new String(delivered.get(1), StandardCharsets.UTF_8);
            assertThat(fetch.get(0)).isEqualTo("* 2 FETCH (BODY[] {" + delivered.get(1).length + "}\r\n" + body + ")");
            assertThat(last(fetch)).startsWith("f OK");
        }
    }

    private static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }
}
