package dev.tern.imap.server;

import dev.tern.testing.RawImapClient;
import dev.tern.testing.RunningServer;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import static dev.tern.testing.RawImapClient.last;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * APPEND with its messages streamed into the store: large messages from a real client and raw,
 * synchronizing and LITERAL+, MULTIAPPEND, and the refusals, each checked by reading the message
 * back byte for byte or by what the store holds afterwards.
 */
class ImapAppendTest {

    @TempDir
    Path dir;
    RunningServer tern;
    RawImapClient imap;

    @BeforeEach
    void start() {
        tern = new RunningServer(dir, """
                [imap]
                allow_plaintext_auth = true
                max_literal = "20MB"
                """, "imap = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "alice-pw");
        imap = new RawImapClient(tern.port("imap"));
        assertThat(imap.readLine()).startsWith("* OK");
    }

    @AfterEach
    void stop() {
        imap.close();
        tern.close();
    }

    private void login() {
        assertThat(last(imap.command("a1", "LOGIN alice@example.test alice-pw"))).startsWith("a1 OK");
    }

    /** A message of about {@code size} octets: printable ASCII lines ending in CRLF. */
    static byte[] message(int size, long seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder("From: bob@example.test\r\nTo: alice@example.test\r\n"
                + "Subject: big " + seed + "\r\n\r\n");
        while (text.length() < size) {
            for (int i = 0; i < 76; i++) {
                text.append((char) (' ' + 1 + random.nextInt(94)));
            }
            text.append("\r\n");
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** BODY[] of the message with this UID in INBOX, read raw. */
    private String fetchBody(long uid) {
        List<String> lines = imap.command("f" + uid, "UID FETCH " + uid + " BODY[]");
        String response = lines.get(0);
        int start = response.indexOf("}\r\n") + 3;
        int size = Integer.parseInt(response.substring(response.indexOf("BODY[] {") + 8, start - 3));
        return response.substring(start, start + size);
    }

    @Test
    void angusMailAppendsAMultiMegabyteMessageByteForByte() throws Exception {
        byte[] original = message(4 * 1024 * 1024, 1);
        Properties p = new Properties();
        p.put("mail.imap.host", "127.0.0.1");
        p.put("mail.imap.port", String.valueOf(tern.port("imap")));
        p.put("mail.imap.timeout", "20000");
        // Read it back in one FETCH rather than Angus's default 16 KiB pieces: the test is about APPEND.
        p.put("mail.imap.partialfetch", "false");
        Session session = Session.getInstance(p);
        Store store = session.getStore("imap");
        store.connect("alice@example.test", "alice-pw");
        try {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(original));
            inbox.appendMessages(new Message[]{m});
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isEqualTo(1);
            IMAPMessage stored = (IMAPMessage) inbox.getMessage(1);
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            try (InputStream in = stored.getMimeStream()) {
                in.transferTo(back);
            }
            assertThat(back.toByteArray()).isEqualTo(original);
            assertThat(stored.getSize()).isEqualTo(original.length);
        } finally {
            store.close();
        }
    }

    @Test
    void pythonImaplibAppendsAMultiMegabyteMessageByteForByte() throws Exception {
        // imaplib sends a synchronizing literal and waits for the continuation.
        String script = """
                import imaplib, hashlib, random, sys
                rnd = random.Random(8)
                body = bytes(rnd.randrange(0, 256) for _ in range(4 * 1024 * 1024))
                # 8-bit octets, no NUL, lines ending in CRLF: what a literal may carry
                body = body.replace(b'\\x00', b'0').replace(b'\\r', b'r').replace(b'\\n', b'\\r\\n')
                msg = b'Subject: from imaplib\\r\\n\\r\\n' + body
                m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]), timeout=30)
                m.login('alice@example.test', 'alice-pw')
                typ, data = m.append('INBOX', '(\\\\Seen)', None, msg)
                print('append', typ, data[0].decode())
                m.select('INBOX')
                typ, data = m.fetch('1', '(BODY.PEEK[])')
                back = data[0][1]
                print('same', back == msg, len(back), len(msg))
                m.logout()
                """;
        Process proc = new ProcessBuilder(List.of("python3", "-c", script, String.valueOf(tern.port("imap"))))
                .redirectErrorStream(true).start();
        assertThat(proc.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).as("python3 finished").isTrue();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(proc.exitValue()).as("python3 output:%n%s", out).isZero();
        assertThat(out).contains("append OK [APPENDUID ").contains("same True");
    }

    @Test
    void rawLiteralPlusAndSynchronizingAppendsComeBackExactly() {
        login();
        byte[] big = message(3 * 1024 * 1024, 2);
        imap.send("p1 APPEND INBOX (\\Seen) {" + big.length + "+}");
        imap.sendBytes(big);
        imap.send("");
        assertThat(last(imap.until("p1"))).matches("p1 OK \\[APPENDUID \\d+ 1\\] APPEND completed");

        byte[] small = message(2000, 3);
        imap.send("p2 APPEND INBOX {" + small.length + "}");
        assertThat(imap.readLine()).startsWith("+ ");
        imap.sendBytes(small);
        imap.send("");
        assertThat(last(imap.until("p2"))).matches("p2 OK \\[APPENDUID \\d+ 2\\] APPEND completed");

        assertThat(last(imap.command("s", "SELECT INBOX"))).startsWith("s OK");
        assertThat(fetchBody(1)).isEqualTo(new String(big, StandardCharsets.US_ASCII));
        assertThat(fetchBody(2)).isEqualTo(new String(small, StandardCharsets.US_ASCII));
        assertThat(imap.command("fl", "UID FETCH 1 FLAGS").get(0)).contains("\\Seen");
    }

    @Test
    void multiappendStoresEveryMessage() {
        login();
        byte[] one = message(400 * 1024, 4);
        byte[] two = message(100, 5);
        imap.send("m1 APPEND INBOX (\\Flagged) {" + one.length + "+}");
        imap.sendBytes(one);
        imap.send(" \"01-Feb-2024 10:00:00 +0100\" {" + two.length + "}");
        assertThat(imap.readLine()).startsWith("+ ");
        imap.sendBytes(two);
        imap.send("");
        assertThat(last(imap.until("m1"))).matches("m1 OK \\[APPENDUID \\d+ 1:2\\] APPEND completed");
        assertThat(last(imap.command("s", "SELECT INBOX"))).startsWith("s OK");
        assertThat(fetchBody(1)).isEqualTo(new String(one, StandardCharsets.US_ASCII));
        assertThat(fetchBody(2)).isEqualTo(new String(two, StandardCharsets.US_ASCII));
        assertThat(imap.command("d", "UID FETCH 2 INTERNALDATE").get(0)).contains("\" 1-Feb-2024 09:00:00 +0000\"");
    }

    static final byte[] UTF8_MESSAGE = ("From: B\u00f6b <bob@example.test>\r\nSubject: h\u00e9llo\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n\r\nb\u00f6dy\r\n").getBytes(StandardCharsets.UTF_8);

    /** APPENDs {@link #UTF8_MESSAGE} as {@code UTF8 (~{n+})} (RFC 6855 §4); the tagged answer. */
    private String appendUtf8(String tag, String before) {
        imap.send(tag + " APPEND INBOX " + before + "UTF8 (~{" + UTF8_MESSAGE.length + "+}");
        imap.sendBytes(UTF8_MESSAGE);
        imap.send(")");
        return last(imap.until(tag));
    }

    @Test
    void utf8MessagesAreAppendedOnceUtf8AcceptIsEnabled() {
        login();
        int n = UTF8_MESSAGE.length;
        // Before ENABLE UTF8=ACCEPT the data item does not exist: BAD, before a synchronizing
        // literal is sent and after a LITERAL+ one was read.
        imap.send("u1 APPEND INBOX UTF8 (~{" + n + "}");
        assertThat(imap.readLine()).isEqualTo("u1 BAD APPEND UTF8 needs ENABLE UTF8=ACCEPT first");
        assertThat(appendUtf8("u2", "")).isEqualTo("u2 BAD APPEND UTF8 needs ENABLE UTF8=ACCEPT first");
        assertThat(imap.command("u3", "ENABLE UTF8=ACCEPT")).containsExactly("* ENABLED UTF8=ACCEPT", "u3 OK ENABLE completed");

        assertThat(appendUtf8("u4", "")).matches("u4 OK \\[APPENDUID \\d+ 1\\] APPEND completed");
        imap.send("u5 APPEND INBOX (\\Seen) \"01-Feb-2024 10:00:00 +0000\" UTF8 (~{" + n + "}");
        assertThat(imap.readLine()).startsWith("+ ");
        imap.sendBytes(UTF8_MESSAGE);
        imap.send(")");
        assertThat(last(imap.until("u5"))).matches("u5 OK \\[APPENDUID \\d+ 2\\] APPEND completed");
        // MULTIAPPEND: each message's ")" comes before the next one's flags and literal.
        imap.send("u6 APPEND INBOX UTF8 (~{" + n + "+}");
        imap.sendBytes(UTF8_MESSAGE);
        imap.send(") (\\Flagged) {5+}\r\nplain UTF8 (~{" + n + "+}");
        imap.sendBytes(UTF8_MESSAGE);
        imap.send(")");
        assertThat(last(imap.until("u6"))).matches("u6 OK \\[APPENDUID \\d+ 3:5\\] APPEND completed");

        // A plain literal in UTF8 ( ), and a missing ")", are refused; the session stays in step.
        imap.send("r1 APPEND INBOX UTF8 ({" + n + "+}");
        imap.sendBytes(UTF8_MESSAGE);
        imap.send(")");
        assertThat(last(imap.until("r1"))).isEqualTo("r1 BAD APPEND UTF8 takes its message as a literal8 (~{n})");
        imap.send("r2 APPEND INBOX UTF8 (~{" + n + "+}");
        imap.sendBytes(UTF8_MESSAGE);
        imap.send("");
        assertThat(last(imap.until("r2"))).startsWith("r2 BAD Expected ')'");
        assertThat(last(imap.command("r3", "NOOP"))).isEqualTo("r3 OK NOOP completed");

        assertThat(last(imap.command("s", "SELECT INBOX"))).startsWith("s OK");
        String sent = new String(UTF8_MESSAGE, StandardCharsets.UTF_8);
        for (int uid : new int[]{1, 2, 3, 5}) {
            assertThat(imap.command("f" + uid, "UID FETCH " + uid + " BODY.PEEK[]").get(0))
                    .isEqualTo("* " + uid + " FETCH (UID " + uid + " BODY[] {" + n + "}\r\n" + sent + ")");
        }
        assertThat(imap.command("f4", "UID FETCH 4 (FLAGS BODY.PEEK[])").get(0))
                .isEqualTo("* 4 FETCH (UID 4 FLAGS (\\Flagged \\Recent) BODY[] {5}\r\nplain)");
        assertThat(imap.command("d", "UID FETCH 2 (FLAGS INTERNALDATE)").get(0))
                .isEqualTo("* 2 FETCH (UID 2 FLAGS (\\Seen \\Recent) INTERNALDATE \" 1-Feb-2024 10:00:00 +0000\")");
        assertThat(tern.inbox("alice@example.test")).hasSize(5);
    }

    @Test
    void angusMailReadsAMessageAppendedAsUtf8() throws Exception {
        login();
        imap.command("e", "ENABLE UTF8=ACCEPT");
        assertThat(appendUtf8("u1", "")).startsWith("u1 OK [APPENDUID");
        Properties p = new Properties();
        p.put("mail.imap.host", "127.0.0.1");
        p.put("mail.imap.port", String.valueOf(tern.port("imap")));
        p.put("mail.imap.timeout", "20000");
        p.put("mail.mime.allowutf8", "true");
        Store store = Session.getInstance(p).getStore("imap");
        store.connect("alice@example.test", "alice-pw");
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Message m = inbox.getMessage(1);
            assertThat(m.getSubject()).isEqualTo("h\u00e9llo");
            assertThat(((jakarta.mail.internet.InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo("B\u00f6b");
            assertThat(m.getContent()).isEqualTo("b\u00f6dy\r\n");
        } finally {
            store.close();
        }
    }

    @Test
    void tooBigMessagesAreRefusedBeforeOrAfterTheirOctets() {
        login();
        imap.send("t1 APPEND INBOX {" + (21 * 1024 * 1024) + "}");
        assertThat(imap.readLine()).startsWith("t1 NO [TOOBIG]");
        byte[] tooBig = new byte[21 * 1024 * 1024];
        java.util.Arrays.fill(tooBig, (byte) 'x');
        imap.send("t2 APPEND INBOX {" + tooBig.length + "+}");
        imap.sendBytes(tooBig);
        imap.send("");
        // Answered once the octets were read: the next line is the refusal, then the session goes on.
        assertThat(imap.readLine()).startsWith("t2 NO [TOOBIG]");
        assertThat(last(imap.command("t3", "NOOP"))).isEqualTo("t3 OK NOOP completed");
        assertThat(tern.inbox("alice@example.test")).isEmpty();
    }

    @Test
    void aLiteralPlusFarOverTheLimitIsRefusedAndTheConnectionClosed() throws Exception {
        login();
        // max_literal is 20 MB: up to twice that is read and dropped per command (see the test
        // above); a literal announced beyond it would keep the session reading, so it is refused
        // at once, BYE follows with the reason, and the connection closes.
        imap.send("h1 APPEND INBOX {999999999999999999+}");
        assertThat(imap.readLine()).isEqualTo("h1 NO [TOOBIG] message of 999999999999999999 octets exceeds the limit of "
                + (20 * 1024 * 1024) + " octets (APPENDLIMIT)");
        assertThat(imap.readLine()).startsWith("* BYE ").contains("more than the server reads and drops");
        assertThat(imap.readLine()).as("the connection is closed").isNull();
        // Any other literal too: the limit it breaks is named, then BYE.
        imap = new RawImapClient(tern.port("imap"));
        imap.readLine();
        login();
        imap.send("h2 SELECT {50000000+}");
        assertThat(imap.readLine()).startsWith("h2 NO [TOOBIG] a literal of 50000000 octets");
        assertThat(imap.readLine()).startsWith("* BYE ");
        assertThat(imap.readLine()).isNull();
        assertThat(tern.inbox("alice@example.test")).isEmpty();
    }

    @Test
    void aLineThatNeverEndsIsDroppedOnlyUpToABoundThenTheConnectionClosed() {
        login();
        // A line past max_line (64 KiB) is answered BAD and the rest of it dropped as it comes; one
        // that goes on without a line feed for more than is ever read and dropped per command (twice
        // max_literal: 40 MB here) ends the connection. Exactly that much is sent, so that the
        // server has read all of it when it closes.
        int maxLine = dev.tern.config.ImapSettings.defaults().maxLine();
        long bound = 2L * 20 * 1024 * 1024;
        long total = maxLine + 2 + bound + 1;
        imap.sendBytes("l1 ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] chunk = new byte[1 << 20];
        java.util.Arrays.fill(chunk, (byte) 'x');
        for (long left = total - 3; left > 0; left -= chunk.length) {
            imap.sendBytes(left >= chunk.length ? chunk : java.util.Arrays.copyOf(chunk, (int) left));
        }
        assertThat(imap.readLine()).isEqualTo("l1 BAD command line too long");
        assertThat(imap.readLine()).isEqualTo("* BYE command line too long, and no end to it; closing the connection");
        assertThat(imap.readLine()).as("the connection is closed").isNull();
    }

    @Test
    void refusedAppendsLeaveTheSessionInStep() {
        // Before login: a synchronizing literal is refused before it is sent, a LITERAL+ one after.
        imap.send("r1 APPEND INBOX {10}");
        assertThat(imap.readLine()).isEqualTo("r1 BAD log in first");
        imap.send("r2 APPEND INBOX {10+}");
        imap.sendBytes("0123456789\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(imap.readLine()).isEqualTo("r2 BAD log in first");
        login();
        assertThat(last(imap.command("r3", "APPEND INBOX {3+}\r\na\0b"))).startsWith("r3 BAD").contains("NUL");
        assertThat(last(imap.command("r4", "APPEND INBOX ~{3+}\r\na\0b"))).startsWith("r4 OK [APPENDUID");
        assertThat(last(imap.command("r5", "APPEND INBOX {3+}\r\nabc junk"))).startsWith("r5 BAD");
        assertThat(last(imap.command("r6", "APPEND INBOX (\\Bogus) {3+}\r\nabc"))).startsWith("r6 BAD");
        assertThat(last(imap.command("r7", "APPEND INBOX"))).startsWith("r7 BAD");
        assertThat(last(imap.command("r8", "APPEND Nowhere {3+}\r\nabc"))).startsWith("r8 NO [TRYCREATE]");
        assertThat(last(imap.command("r9", "NOOP"))).isEqualTo("r9 OK NOOP completed");
        assertThat(tern.inbox("alice@example.test")).hasSize(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> onlyInlineContents());
    }

    @Test
    void aConnectionClosedMidMessageLeavesNothingBehind() throws Exception {
        login();
        imap.send("c1 APPEND INBOX {10000000+}");
        imap.sendBytes(message(3 * 1024 * 1024, 6));
        Thread.sleep(200);
        imap.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.services().blobs().listOlderThan(Long.MAX_VALUE).isEmpty());
        assertThat(tern.inbox("alice@example.test")).isEmpty();
        // The memory it held for the message is free again: another large APPEND goes through.
        imap = new RawImapClient(tern.port("imap"));
        imap.readLine();
        login();
        byte[] big = message(1024 * 1024, 7);
        imap.send("c2 APPEND INBOX {" + big.length + "+}");
        imap.sendBytes(big);
        imap.send("");
        assertThat(last(imap.until("c2"))).startsWith("c2 OK");
    }

    /** Small contents are kept in the metadata; nothing reached the blob store. */
    private boolean onlyInlineContents() throws Exception {
        return tern.services().blobs().listOlderThan(Long.MAX_VALUE).isEmpty();
    }
}
