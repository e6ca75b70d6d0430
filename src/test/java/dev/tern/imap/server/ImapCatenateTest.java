package dev.tern.imap.server;

import dev.tern.testing.RawImapClient;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tern.testing.RawImapClient.last;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * CATENATE (RFC 4469) on the wire: messages put together from TEXT literals and URL parts that
 * name stored messages and sections of them, each checked octet for octet through FETCH BODY[];
 * the refusals (BADURL, TOOBIG, quota, syntax), MULTIAPPEND with CATENATE, and a real client.
 */
class ImapCatenateTest {

    /** A multipart message: its sections are what the URLs below take apart. */
    static final String SOURCE = "From: bob@example.test\r\nTo: alice@example.test\r\nSubject: source\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
            + "preamble\r\n--b1\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n"
            + "--b1\r\nContent-Type: text/html\r\n\r\n<p>second</p>\r\n--b1--\r\n";
    static final String SOURCE_HEADER = SOURCE.substring(0, SOURCE.indexOf("\r\n\r\n") + 4);

    @TempDir
    Path dir;
    RunningServer tern;
    RawImapClient imap;
    /** INBOX's UIDVALIDITY; SOURCE is its UID 1. */
    long validity;

    @BeforeEach
    void start() {
        tern = new RunningServer(dir, """
                [imap]
                allow_plaintext_auth = true
                max_literal = "1MB"
                """, "imap = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "alice-pw");
        tern.services().directory().addUser("bob@example.test", "bob-pw");
        imap = RawImapClient.loggedIn(tern.port("imap"), "alice@example.test", "alice-pw");
        assertThat(last(imap.command("s0", "APPEND INBOX {" + SOURCE.length() + "+}\r\n" + SOURCE)))
                .startsWith("s0 OK [APPENDUID");
        validity = uidValidity("INBOX");
        assertThat(last(imap.command("s1", "CREATE Built"))).startsWith("s1 OK");
    }

    @AfterEach
    void stop() {
        imap.close();
        tern.close();
    }

    private long uidValidity(String mailbox) {
        String status = imap.command("uv", "STATUS " + mailbox + " (UIDVALIDITY)").get(0);
        Matcher m = Pattern.compile("UIDVALIDITY (\\d+)").matcher(status);
        assertThat(m.find()).as(status).isTrue();
        return Long.parseLong(m.group(1));
    }

    private String url(String section) {
        return "\"/INBOX;UIDVALIDITY=" + validity + "/;UID=1" + (section == null ? "" : "/;SECTION=" + section) + "\"";
    }

    /** BODY.PEEK[section] of the message with this UID in the selected mailbox, as the literal's octets. */
    private String fetch(long uid, String section) {
        String response = imap.command("f", "UID FETCH " + uid + " BODY.PEEK[" + section + "]").get(0);
        int open = response.indexOf("{", response.indexOf("BODY[" + section + "]"));
        int close = response.indexOf("}\r\n", open);
        int size = Integer.parseInt(response.substring(open + 1, close));
        return response.substring(close + 3, close + 3 + size);
    }

    private int messages(String mailbox) {
        String status = imap.command("st", "STATUS " + mailbox + " (MESSAGES)").get(0);
        return Integer.parseInt(status.replaceAll(".*MESSAGES (\\d+).*", "$1"));
    }

    @Test
    void aMessageIsPutTogetherFromTextAndSectionsOctetForOctet() {
        assertThat(String.join(" ", imap.command("c", "CAPABILITY"))).contains(" CATENATE ");
        String intro = "Subject: forwarded\r\n\r\nSee below.\r\n";
        String outro = "\r\n-- \r\nthe end\r\n";
        // TEXT as LITERAL+, as a synchronizing literal and as a literal8; URL parts in between.
        imap.send("c1 APPEND Built (\\Draft $Work) \"01-Feb-2024 10:00:00 +0000\" CATENATE (TEXT {" + intro.length() + "+}");
        imap.sendBytes(intro.getBytes(StandardCharsets.US_ASCII));
        imap.send(" URL " + url("HEADER") + " URL " + url("1.MIME") + " URL " + url("1") + " TEXT {" + outro.length() + "}");
        assertThat(imap.readLine()).startsWith("+ ");
        imap.sendBytes(outro.getBytes(StandardCharsets.US_ASCII));
        imap.send(" URL " + url("TEXT") + " TEXT ~{2+}\r\n\r\n URL " + url(null) + ")");
        assertThat(last(imap.until("c1"))).matches("c1 OK \\[APPENDUID \\d+ 1\\] APPEND completed");

        assertThat(last(imap.command("s", "SELECT INBOX"))).startsWith("s OK");
        assertThat(fetch(1, "1.MIME")).isEqualTo("Content-Type: text/plain\r\n\r\n");
        assertThat(fetch(1, "1")).isEqualTo("first part");
        String text = SOURCE.substring(SOURCE_HEADER.length());
        assertThat(fetch(1, "TEXT")).isEqualTo(text);
        String expected = intro + SOURCE_HEADER + "Content-Type: text/plain\r\n\r\n" + "first part" + outro
                + text + "\r\n" + SOURCE;
        assertThat(last(imap.command("s2", "SELECT Built"))).startsWith("s2 OK");
        assertThat(fetch(1, "")).isEqualTo(expected);
        assertThat(imap.command("fl", "UID FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE)").get(0))
                .contains("\\Draft", "$Work", "INTERNALDATE \" 1-Feb-2024 10:00:00 +0000\"", "RFC822.SIZE " + expected.length());
    }

    @Test
    void urlsAloneAbsoluteAndRelativeMakeACommandWithoutLiterals() {
        String absolute = "\"imap://alice%40example.test@mx.tern.test/INBOX;UIDVALIDITY=" + validity
                + "/;UID=1/;SECTION=HEADER.FIELDS%20(SUBJECT%20FROM)\"";
        String noUser = "\"imap://MX.TERN.TEST:143/INBOX/;UID=1/;SECTION=1/;PARTIAL=0.5\"";
        assertThat(last(imap.command("u1", "APPEND Built CATENATE (URL " + absolute + " URL " + noUser + ")")))
                .matches("u1 OK \\[APPENDUID \\d+ 1\\] APPEND completed");
        assertThat(last(imap.command("s", "SELECT Built"))).startsWith("s OK");
        assertThat(fetch(1, "")).isEqualTo("From: bob@example.test\r\nSubject: source\r\n\r\nfirst");
    }

    @Test
    void multiappendMixesPlainAndCatenatedMessages() {
        imap.send("m1 APPEND Built (\\Seen) {5+}\r\nhello CATENATE (URL " + url("1") + " TEXT {3+}");
        imap.sendBytes("abc".getBytes(StandardCharsets.US_ASCII));
        imap.send(") (\\Flagged) CATENATE (URL " + url("1.MIME") + ") {4+}\r\nlast CATENATE (TEXT {2+}\r\nab TEXT {1}");
        assertThat(imap.readLine()).startsWith("+ ");
        imap.send("c TEXT {0+}\r\n TEXT ~{1+}\r\nd)");
        assertThat(last(imap.until("m1"))).matches("m1 OK \\[APPENDUID \\d+ 1:5\\] APPEND completed");
        assertThat(last(imap.command("s", "SELECT Built"))).startsWith("s OK");
        assertThat(fetch(1, "")).isEqualTo("hello");
        assertThat(fetch(2, "")).isEqualTo("first partabc");
        assertThat(fetch(3, "")).isEqualTo("Content-Type: text/plain\r\n\r\n");
        assertThat(fetch(4, "")).isEqualTo("last");
        assertThat(fetch(5, "")).isEqualTo("abcd");
        assertThat(imap.command("fl", "UID FETCH 3 FLAGS").get(0)).contains("\\Flagged");
    }

    @Test
    void urlsThatDoNotResolveAreBadUrlsAndNothingIsStored() {
        // Bob's own mailbox, not shared with alice.
        try (RawImapClient bob = RawImapClient.loggedIn(tern.port("imap"), "bob@example.test", "bob-pw")) {
            bob.appendSmall("()", "bob's");
            assertThat(last(bob.command("b1", "CREATE Team"))).startsWith("b1 OK");
            assertThat(last(bob.command("b2", "APPEND Team {5+}\r\nteam!"))).startsWith("b2 OK");
            assertThat(last(bob.command("b3", "SETACL Team alice@example.test l"))).startsWith("b3 OK");
        }
        List<String> bad = List.of(
                "/INBOX;UIDVALIDITY=" + (validity + 1) + "/;UID=1",   // wrong UIDVALIDITY
                "/INBOX;UIDVALIDITY=" + validity + "/;UID=99",       // no such UID
                "/INBOX/;UID=1/;SECTION=7",                          // no such part
                "/Nowhere/;UID=1",                                   // no such mailbox
                "/Shared/bob@example.test/INBOX/;UID=1",             // not shared with alice
                "/Shared/bob@example.test/Team/;UID=1",              // shared, but without the read right
                "imap://other.example/INBOX/;UID=1",                 // another server
                "imap://bob%40example.test@mx.tern.test/INBOX/;UID=1", // another user
                "/INBOX/;UID=1;URLAUTH=anonymous:internal:abc",      // URLAUTH
                "INBOX/;UID=1",                                      // neither absolute nor /…
                "/INBOX;UID=1");                                     // malformed
        int n = 0;
        for (String u : bad) {
            String tag = "b" + (++n);
            assertThat(last(imap.command(tag, "APPEND Built CATENATE (TEXT {3+}\r\nabc URL \"" + u + "\")")))
                    .as(u).startsWith(tag + " NO [BADURL " + u + "] CATENATE: ");
        }
        // With TEXT after the bad URL (read and dropped), and as a synchronizing literal.
        imap.send("t1 APPEND Built CATENATE (URL \"/INBOX/;UID=42\" TEXT {3}");
        assertThat(imap.readLine()).startsWith("+ ");
        imap.send("abc)");
        assertThat(imap.readLine()).isEqualTo("t1 NO [BADURL /INBOX/;UID=42] CATENATE: no such message, or no right to read it");
        assertThat(last(imap.command("n", "NOOP"))).isEqualTo("n OK NOOP completed");
        assertThat(messages("Built")).isZero();

        // With the read right, bob's shared mailbox is a source like alice's own.
        try (RawImapClient bob = RawImapClient.loggedIn(tern.port("imap"), "bob@example.test", "bob-pw")) {
            assertThat(last(bob.command("b4", "SETACL Team alice@example.test lr"))).startsWith("b4 OK");
        }
        assertThat(last(imap.command("ok", "APPEND Built CATENATE (URL \"/Shared/bob@example.test/Team/;UID=1\")")))
                .startsWith("ok OK [APPENDUID");
        assertThat(last(imap.command("s", "SELECT Built"))).startsWith("s OK");
        assertThat(fetch(1, "")).isEqualTo("team!");
    }

    @Test
    void aCatenatedMessageOverTheLimitIsTooBig() {
        // max_literal is 1 MiB: a source of 600 KB twice is over it, each part alone is not.
        String big = "Subject: big\r\n\r\n" + "x".repeat(600 * 1024) + "\r\n";
        assertThat(last(imap.command("a", "APPEND INBOX {" + big.length() + "+}\r\n" + big))).startsWith("a OK");
        String bigUrl = "\"/INBOX/;UID=2\"";
        assertThat(last(imap.command("t1", "APPEND Built CATENATE (URL " + bigUrl + " URL " + bigUrl + ")")))
                .isEqualTo("t1 NO [TOOBIG] the catenated message exceeds the limit of 1048576 octets (APPENDLIMIT)");
        // TEXT parts count together: the second announcement is refused (a synchronizing one at once).
        String part = "y".repeat(600 * 1024);
        imap.send("t2 APPEND Built CATENATE (TEXT {" + part.length() + "+}");
        imap.sendBytes(part.getBytes(StandardCharsets.US_ASCII));
        imap.send(" TEXT {" + part.length() + "}");
        assertThat(imap.readLine()).startsWith("t2 NO [TOOBIG]");
        // A TEXT part after a URL: found once the parts are in.
        imap.send("t3 APPEND Built CATENATE (URL " + bigUrl + " TEXT {" + part.length() + "+}");
        imap.sendBytes(part.getBytes(StandardCharsets.US_ASCII));
        imap.send(")");
        assertThat(last(imap.until("t3"))).startsWith("t3 NO [TOOBIG]");
        assertThat(last(imap.command("n", "NOOP"))).isEqualTo("n OK NOOP completed");
        assertThat(messages("Built")).isZero();
    }

    @Test
    void theQuotaCountsTheCatenatedMessage() {
        String big = "Subject: big\r\n\r\n" + "x".repeat(300 * 1024) + "\r\n";
        assertThat(last(imap.command("a", "APPEND INBOX {" + big.length() + "+}\r\n" + big))).startsWith("a OK");
        tern.services().directory().setQuota("alice@example.test", 1024L * 1024);
        String bigUrl = "\"/INBOX/;UID=2\"";
        assertThat(last(imap.command("q1", "APPEND Built CATENATE (URL " + bigUrl + ")"))).startsWith("q1 OK [APPENDUID");
        assertThat(last(imap.command("q2", "APPEND Built CATENATE (URL " + bigUrl + " URL " + bigUrl + ")")))
                .startsWith("q2 NO [OVERQUOTA]");
        assertThat(messages("Built")).isEqualTo(1);
    }

    @Test
    void badSyntaxIsBadAndTheSessionGoesOn() {
        assertThat(last(imap.command("x1", "APPEND Built CATENATE ()"))).startsWith("x1 BAD");
        assertThat(last(imap.command("x2", "APPEND Built CATENATE (FOO \"bar\")"))).startsWith("x2 BAD");
        assertThat(last(imap.command("x3", "APPEND Built CATENATE (URL " + url(null)))).startsWith("x3 BAD");
        assertThat(last(imap.command("x4", "APPEND Built CATENATE URL " + url(null)))).startsWith("x4 BAD");
        assertThat(last(imap.command("x5", "APPEND Built CATENATE (TEXT {3+}\r\nabc"))).startsWith("x5 BAD");
        assertThat(last(imap.command("x6", "APPEND Built CATENATE (TEXT {3+}\r\nabc) junk"))).startsWith("x6 BAD");
        assertThat(last(imap.command("x7", "APPEND Built CATENATE (TEXT {3+}\r\nabc TEXT)"))).startsWith("x7 BAD");
        // A NUL needs a literal8, in a TEXT part as in a message.
        assertThat(last(imap.command("x8", "APPEND Built CATENATE (TEXT {3+}\r\na\0b)"))).startsWith("x8 BAD").contains("NUL");
        assertThat(last(imap.command("x9", "APPEND Built CATENATE (TEXT ~{3+}\r\na\0b)"))).startsWith("x9 OK");
        // The URL as a literal is a URL, not content.
        String u = "/INBOX/;UID=1/;SECTION=1";
        assertThat(last(imap.command("l1", "APPEND Built CATENATE (URL {" + u.length() + "+}\r\n" + u + ")")))
                .startsWith("l1 OK [APPENDUID");
        assertThat(last(imap.command("n", "NOOP"))).isEqualTo("n OK NOOP completed");
        assertThat(last(imap.command("s", "SELECT Built"))).startsWith("s OK");
        assertThat(fetch(2, "")).isEqualTo("first part");
    }

    @Test
    void pythonImaplibSendsACatenate() throws Exception {
        String script = """
                import imaplib, sys
                m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]), timeout=30)
                m.login('alice@example.test', 'alice-pw')
                typ, data = m.capability()
                print('capable', b'CATENATE' in data[0].split())
                text = b'Subject: via imaplib\\r\\n\\r\\n'
                typ, data = m._simple_command('APPEND', 'Built', 'CATENATE',
                    '(TEXT {%d+}\\r\\n%s URL "/INBOX;UIDVALIDITY=%s/;UID=1/;SECTION=1")' % (len(text), text.decode(), sys.argv[2]))
                print('append', typ, m.untagged_responses.get('APPENDUID', [b'?'])[0].decode() if typ == 'OK' else data)
                m.select('Built')
                typ, data = m.fetch('1', '(BODY.PEEK[])')
                print('body', data[0][1] == text + b'first part')
                m.logout()
                """;
        Process proc = new ProcessBuilder(List.of("python3", "-c", script, String.valueOf(tern.port("imap")),
                String.valueOf(validity))).redirectErrorStream(true).start();
        assertThat(proc.waitFor(60, TimeUnit.SECONDS)).as("python3 finished").isTrue();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(proc.exitValue()).as("python3 output:%n%s", out).isZero();
        assertThat(out).contains("capable True", "append OK", "body True");
    }
}
