package dev.tern.server;

import dev.tern.directory.Account;
import dev.tern.testing.RawImapClient;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.tern.testing.RawImapClient.last;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A data directory whose file system really fills up (a small tmpfs): messages that cannot be
 * stored are refused with 452 4.3.1 and leave nothing behind, those that got a 250 are all in the
 * mailbox, sessions go on, IMAP APPEND says there is no disk space, and once space is freed mail
 * flows again without a restart, on a database that stayed consistent.
 */
@EnabledOnOs(OS.LINUX)
class DiskFullTest {

    private static final int FILL_ATTEMPTS = 200;

    @TempDir
    Path dir;
    Path data;
    boolean mounted;
    RunningServer tern;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        data = dir.resolve("data");
        Files.createDirectories(data);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", data.toString())
                .redirectErrorStream(true).start();
        mounted = mount.waitFor(20, TimeUnit.SECONDS) && mount.exitValue() == 0;
        assumeTrue(mounted, "mounting a tmpfs needs root: " + new String(mount.getInputStream().readAllBytes()));
    }

    @AfterEach
    void unmount() throws Exception {
        if (tern != null) {
            tern.close();
        }
        if (mounted) {
            new ProcessBuilder("umount", "-l", data.toString()).redirectErrorStream(true).start()
                    .waitFor(20, TimeUnit.SECONDS);
        }
    }

    private void start() {
        tern = new RunningServer(dir, "[smtp]\nmin_free_space = \"0\"\nmax_message_size = \"20MB\"\n[imap]\nallow_plaintext_auth = true\n",
                "imap = [\"127.0.0.1:0\"]\n", null);
    }

    private static String message(int n, int size) {
        return "Subject: filler " + n + "\r\n\r\n" + ("line of filler text " + n + "\r\n").repeat(size / 25) + "end " + n + "\r\n";
    }

    /** Sends messages on one session until one is refused; returns how many got their 250, and the refusal. */
    private static Object[] fill(RawSmtpClient c, int size, int first) throws Exception {
        for (int i = 0; i < FILL_ATTEMPTS; i++) {
            String reply = c.sendMail("carol@example.org", List.of("alice@example.test"), message(first + i, size));
            if (!reply.startsWith("250")) {
                return new Object[]{i, reply};
            }
        }
        throw new AssertionError("the file system did not fill");
    }

    private List<String> inboxSubjects() {
        return tern.inbox("alice@example.test").stream().map(m -> {
            String content = tern.content(m);
            int s = content.indexOf("Subject: ");
            return content.substring(s + 9, content.indexOf("\r\n", s));
        }).toList();
    }

    @Test
    void aFullDiskRefusesMailTemporarilyKeepsWhatWasAcceptedAndRecovers() throws Exception {
        start();
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "alicepw");
        Path ballast = data.resolve("ballast");
        Files.write(ballast, new byte[1024 * 1024]);

        int accepted;
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 20_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.example.org"), "250");
            Object[] large = fill(c, 100_000, 0);       // message files
            assertThat((String) large[1]).isEqualTo("452 4.3.1 Insufficient system storage, try again later");
            Object[] small = fill(c, 2_000, 1_000);     // contents kept in the database
            assertThat((String) small[1]).isEqualTo("452 4.3.1 Insufficient system storage, try again later");
            assertThat(c.command("NOOP")).startsWith("250");
            accepted = (int) large[0] + (int) small[0];
        }
        List<String> subjects = inboxSubjects();
        assertThat(subjects).hasSize(accepted).doesNotHaveDuplicates();
        for (var m : tern.inbox("alice@example.test")) {
            String content = tern.content(m);
            String n = content.substring(content.indexOf("Subject: filler ") + 16, content.indexOf("\r\n", content.indexOf("Subject: ")));
            assertThat(content).endsWith("end " + n + "\r\n");
        }

        Account alice = tern.services().directory().user("alice@example.test").orElseThrow();
        try (RawImapClient imap = RawImapClient.loggedIn(tern.port("imap"), "alice@example.test", "alicepw")) {
            String big = message(9_999, 300_000);
            assertThat(last(imap.command("a1", "APPEND INBOX {" + big.length() + "+}\r\n" + big)))
                    .startsWith("a1 NO [OVERQUOTA]");
            assertThat(last(imap.command("n1", "NOOP"))).startsWith("n1 OK");

            Files.delete(ballast);
            String small = message(9_998, 500);
            assertThat(last(imap.command("a2", "APPEND INBOX {" + small.length() + "+}\r\n" + small)))
                    .startsWith("a2 OK");
        }
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 20_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.example.org"), "250");
            assertThat(c.sendMail("carol@example.org", List.of("alice@example.test"), message(5_000, 2_000)))
                    .startsWith("250");
        }
        assertThat(inboxSubjects()).hasSize(accepted + 2).contains("filler 5000", "filler 9998");
        assertThat(tern.services().mailboxes().usage(alice.id())).isPositive();

        tern.close();
        tern = null;
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("tern.db"));
             Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("ok");
        }
        start();
        assertThat(inboxSubjects()).hasSize(accepted + 2);
    }
}
