package dev.tern.server;

import dev.tern.testing.ClientRun;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * fetchmail, which collects mail from a mailbox for local delivery, against a running server over
 * POP3S and IMAPS, as people run it from cron: with {@code keep} and UIDL it fetches each message
 * once and leaves it on the server; without {@code keep} it deletes what it fetched; over IMAP it
 * fetches the unseen messages and marks them seen. fetchmail verifies the server's certificate
 * and hands every message to a delivery command. .ci/run installs fetchmail; the test is skipped
 * only where it is missing.
 */
class FetchmailTest {

    static final String PASSWORD = "fetchmail-secret-pw";
    static final String USER = "alice@example.test";
    static final Path FETCHMAIL = Path.of("/usr/bin/fetchmail");

    @TempDir
    Path dir;
    RunningServer tern;
    Path fetched;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(FETCHMAIL), "fetchmail is not installed (apt-get install fetchmail)");
        tern = RunningServer.withAccount(dir.resolve("server"), "pop3s = [\"127.0.0.1:0\"]\nimaps = [\"127.0.0.1:0\"]\n", USER, PASSWORD);
        fetched = dir.resolve("fetched");
        Files.createDirectories(fetched);
        TestCertificates.writePem(dir.resolve("server.pem"), tern.server().tls().certificate());
    }

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    /** The certificate's common name, which fetchmail is told to expect instead of 127.0.0.1. */
    private String commonName() {
        String subject = tern.server().tls().certificate().getSubjectX500Principal().getName();
        for (String part : subject.split(",")) {
            if (part.startsWith("CN=")) {
                return part.substring(3);
            }
        }
        throw new AssertionError("no CN in " + subject);
    }

    /**
     * Runs fetchmail once with a run control file polling {@code protocol} on the listener; the
     * delivery command writes each message to a file of its own. Returns fetchmail's exit status
     * (0: mail fetched, 1: none waiting).
     */
    private int fetchmail(String protocol, String listener, String options) throws Exception {
        Path rc = dir.resolve("fetchmailrc");
        Files.writeString(rc, """
                set no bouncemail
                poll localhost via 127.0.0.1 service %d protocol %s %s
                  user "%s" password "%s"
                  ssl sslcertck sslcertfile "%s" sslcommonname "%s"
                  %s
                  mda "/bin/sh -c 'cat > %s/msg.$$'"
                """.formatted(tern.port(listener), protocol, protocol.equals("pop3") ? "uidl" : "", USER, PASSWORD,
                dir.resolve("server.pem"), commonName(), options, fetched));
        Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
        ProcessBuilder pb = new ProcessBuilder(FETCHMAIL.toString(), "-f", rc.toString(), "-i",
                dir.resolve("fetchids").toString(), "--nosyslog", "-v").directory(dir.toFile());
        pb.environment().put("HOME", dir.toString());
        pb.environment().put("FETCHMAILHOME", dir.toString());
        ClientRun.Result r = ClientRun.run(pb, dir.resolve("fetchmail.out"), Duration.ofSeconds(120));
        assertThat(r.status()).as("exit status of fetchmail; output:%n%s", r.output()).isBetween(0, 1);
        return r.status();
    }

    private void deliver(String subject) {
        tern.submit("bob@example.org", "From: bob@example.org\r\nTo: " + USER + "\r\nSubject: " + subject
                + "\r\n\r\nabout " + subject + "\r\n.a line that starts with a dot\r\n", USER);
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox(USER).stream()
                .anyMatch(m -> tern.content(m).contains("Subject: " + subject)));
    }

    /** The subjects of the messages fetched so far, one per delivery. */
    private List<String> fetchedSubjects() throws IOException {
        List<String> subjects = new ArrayList<>();
        try (Stream<Path> files = Files.list(fetched)) {
            for (Path f : files.toList()) {
                String text = Files.readString(f);
                assertThat(text).contains("\n.a line that starts with a dot\n");
                subjects.add(text.lines().filter(l -> l.startsWith("Subject: ")).findFirst().orElseThrow().substring(9));
            }
        }
        return subjects;
    }

    @Test
    void pop3KeepFetchesEachMessageOnceAndWithoutKeepDeletes() throws Exception {
        deliver("one");
        deliver("two");

        assertThat(fetchmail("pop3", "pop3s", "keep")).isZero();
        assertThat(fetchedSubjects()).containsExactlyInAnyOrder("one", "two");
        assertThat(tern.inbox(USER)).hasSize(2);

        assertThat(fetchmail("pop3", "pop3s", "keep")).as("nothing new").isEqualTo(1);
        assertThat(fetchedSubjects()).hasSize(2);

        deliver("three");
        assertThat(fetchmail("pop3", "pop3s", "keep")).isZero();
        assertThat(fetchedSubjects()).containsExactlyInAnyOrder("one", "two", "three");

        assertThat(fetchmail("pop3", "pop3s", "fetchall nokeep")).isZero();
        assertThat(fetchedSubjects()).hasSize(6);
        assertThat(tern.inbox(USER)).isEmpty();
    }

    @Test
    void imapFetchesUnseenMessagesAndMarksThemSeen() throws Exception {
        deliver("first");
        assertThat(fetchmail("imap", "imaps", "keep")).isZero();
        assertThat(fetchedSubjects()).containsExactly("first");
        assertThat(tern.inbox(USER)).singleElement()
                .satisfies(m -> assertThat(m.systemFlags() & dev.tern.mailbox.SystemFlag.SEEN.bit()).isNotZero());

        deliver("second");
        assertThat(fetchmail("imap", "imaps", "keep")).isZero();
        assertThat(fetchedSubjects()).containsExactlyInAnyOrder("first", "second");
        assertThat(fetchmail("imap", "imaps", "keep")).as("nothing unseen").isEqualTo(1);
        assertThat(tern.inbox(USER)).hasSize(2);
    }
}
