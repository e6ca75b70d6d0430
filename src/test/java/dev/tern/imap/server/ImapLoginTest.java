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
 * LOGIN's arguments as the client may write them: an empty user name or password is valid
 * syntax and a failed login like any other (counted toward the lockout, the same answer whether
 * the account exists or not); a bad quoted string is a syntax error that says what is wrong.
 */
class ImapLoginTest {

    static final String FAILED = " NO [AUTHENTICATIONFAILED] authentication failed";

    @TempDir
    Path dir;
    RunningServer tern;
    RawImapClient imap;

    @BeforeEach
    void start() {
        tern = new RunningServer(dir, """
                [imap]
                allow_plaintext_auth = true
                [auth]
                lockout_failures = 3
                max_failure_delay = "50ms"
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

    @Test
    void anEmptyUserNameOrPasswordIsAFailedLoginThatCountsTowardTheLockout() {
        assertThat(imap.command("x1", "LOGIN \"\" \"\"")).containsExactly("x1" + FAILED);
        // The same answer for an account that exists and one that does not.
        assertThat(imap.command("x2", "LOGIN alice@example.test \"\"")).containsExactly("x2" + FAILED);
        assertThat(imap.command("x3", "LOGIN nobody@example.test {0+}\r\n")).containsExactly("x3" + FAILED);
        // Three failures lock the client out: even the right password is refused now.
        assertThat(imap.command("x4", "LOGIN alice@example.test alice-pw"))
                .containsExactly("x4 NO [UNAVAILABLE] too many failed logins; try again later");
    }

    @Test
    void theRightPasswordStillLogsInAfterAnEmptyOne() {
        assertThat(imap.command("y1", "LOGIN alice@example.test \"\"")).containsExactly("y1" + FAILED);
        assertThat(last(imap.command("y2", "LOGIN alice@example.test alice-pw"))).startsWith("y2 OK");
    }

    @Test
    void aBadQuotedStringIsASyntaxErrorThatReadsWell() {
        assertThat(imap.command("z1", "LOGIN \"alice@example.test\\x\" alice-pw")).containsExactly(
                "z1 BAD Invalid escape in a user name: a backslash in a quoted string may only precede \" or \\");
        assertThat(imap.command("z2", "LOGIN alice@example.test \"alice-pw")).containsExactly(
                "z2 BAD Unterminated quoted string in a password");
        // Escaped quotes and backslashes are fine: this is only a wrong password.
        assertThat(imap.command("z3", "LOGIN alice@example.test \"a\\\"b\\\\c\"")).containsExactly("z3" + FAILED);
    }

    @Test
    void pythonImaplibIsToldItsEmptyPasswordFailed() throws Exception {
        String script = """
                import imaplib, sys
                m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]), timeout=20)
                try:
                    m.login('alice@example.test', '')
                    print('logged in')
                except imaplib.IMAP4.error as e:
                    print('refused', e)
                m.login('alice@example.test', 'alice-pw')
                print('then', m.state)
                m.logout()
                """;
        Process proc = new ProcessBuilder(List.of("python3", "-c", script, String.valueOf(tern.port("imap"))))
                .redirectErrorStream(true).start();
        assertThat(proc.waitFor(60, TimeUnit.SECONDS)).as("python3 finished").isTrue();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(proc.exitValue()).as("python3 output:%n%s", out).isZero();
        assertThat(out).contains("refused b'[AUTHENTICATIONFAILED] authentication failed'", "then AUTH");
    }
}
