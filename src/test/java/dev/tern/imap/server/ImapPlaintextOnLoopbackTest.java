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

import static dev.tern.testing.RawImapClient.last;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code [auth] plaintext_on_loopback}: a client on 127.0.0.1 may log in on the {@code imap}
 * listener without STARTTLS, and then use its mailboxes there as well, with the raw protocol and
 * with Python's imaplib.
 */
class ImapPlaintextOnLoopbackTest {

    static final String PASSWORD = "loopback-pw";

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() {
        tern = new RunningServer(dir, """
                [auth]
                plaintext_on_loopback = true
                """, "imap = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", PASSWORD);
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    @Test
    void aLoopbackClientLogsInWithoutTlsAndUsesItsMailboxes() {
        try (RawImapClient imap = new RawImapClient(tern.port("imap"))) {
            assertThat(imap.readLine()).startsWith("* OK [CAPABILITY ").contains("STARTTLS", "AUTH=PLAIN")
                    .doesNotContain("LOGINDISABLED");
            assertThat(last(imap.command("a1", "LOGIN alice@example.test " + PASSWORD))).startsWith("a1 OK");
            List<String> select = imap.command("a2", "SELECT INBOX");
            assertThat(select).contains("* 0 EXISTS");
            assertThat(last(select)).startsWith("a2 OK [READ-WRITE]");
            List<String> list = imap.command("a3", "LIST \"\" INBOX");
            assertThat(list.get(0)).startsWith("* LIST (").contains("INBOX");
            assertThat(last(list)).startsWith("a3 OK");
            assertThat(last(imap.command("a4", "STATUS INBOX (MESSAGES)"))).startsWith("a4 OK");
            assertThat(last(imap.command("a5", "LOGOUT"))).startsWith("a5 OK");
        }
    }

    @Test
    void pythonImaplibLogsInWithoutStartTls() throws Exception {
        String script = """
                import imaplib, sys
                m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]), timeout=20)
                assert 'LOGINDISABLED' not in m.capabilities, m.capabilities
                m.login('alice@example.test', sys.argv[2])
                typ, data = m.append('INBOX', None, None, b'Subject: over loopback\\r\\n\\r\\nplain text\\r\\n')
                print('append', typ)
                typ, data = m.select('INBOX')
                print('select', typ, data[0].decode())
                typ, data = m.fetch('1', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
                print('fetch', typ, data[0][1].decode().strip())
                m.logout()
                """;
        Process proc = new ProcessBuilder(List.of("python3", "-c", script, String.valueOf(tern.port("imap")),
                PASSWORD)).redirectErrorStream(true).start();
        assertThat(proc.waitFor(60, TimeUnit.SECONDS)).as("python3 finished").isTrue();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(proc.exitValue()).as("python3 output:%n%s", out).isZero();
        assertThat(out).contains("append OK", "select OK 1", "fetch OK Subject: over loopback");
    }
}
