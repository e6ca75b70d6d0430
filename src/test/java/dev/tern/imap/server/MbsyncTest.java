package dev.tern.imap.server;

import dev.tern.mailbox.FlagOperation;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MessageService;
import dev.tern.mailbox.SystemFlag;
import dev.tern.store.Rows;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * isync's {@code mbsync}, the two-way synchronizer many people keep their mail in Maildir with,
 * against a running server over IMAPS: the first sync brings every folder down; flags set, messages
 * trashed, written and filed in a new folder on the Maildir side reach the server; flag changes,
 * arrivals and removals on the server come back; a sync with nothing to do changes nothing. It
 * leans on UIDPLUS, UIDVALIDITY, CREATE, APPEND with flags, UID STORE and EXPUNGE as a real client
 * combines them. .ci/run installs isync; the test is skipped only where mbsync is missing.
 */
class MbsyncTest {

    static final String PASSWORD = "mbsync-secret-pw";
    static final String USER = "alice@example.test";
    static final Path MBSYNC = Path.of("/usr/bin/mbsync");

    @TempDir
    Path dir;
    RunningServer tern;
    Path maildir;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(MBSYNC), "mbsync is not installed (apt-get install isync)");
        tern = RunningServer.withAccount(dir.resolve("server"), "imaps = [\"127.0.0.1:0\"]\n", USER, PASSWORD);
        maildir = dir.resolve("mail");
        Files.createDirectories(maildir);
        Path pem = dir.resolve("server.pem");
        TestCertificates.writePem(pem, tern.server().tls().certificate());
        Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        Files.writeString(dir.resolve("mbsyncrc"), """
                IMAPAccount tern
                Host 127.0.0.1
                Port %d
                User %s
                PassCmd "cat %s"
                SSLType IMAPS
                CertificateFile %s
                Timeout 30

                IMAPStore remote
                Account tern

                MaildirStore local
                Path %s/
                Inbox %s/INBOX
                SubFolders Verbatim

                Channel everything
                Far :remote:
                Near :local:
                Patterns *
                Create Both
                Expunge Both
                SyncState *
                """.formatted(tern.port("imaps"), USER, dir.resolve("password"), pem, maildir, maildir));
    }

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    /** Runs one sync of every folder both ways; fails with mbsync's output unless it succeeds. */
    private void sync() throws Exception {
        ClientRun.Result r = ClientRun.run(new ProcessBuilder(MBSYNC.toString(), "-V", "-c",
                dir.resolve("mbsyncrc").toString(), "everything").directory(dir.toFile()),
                dir.resolve("mbsync.out"), Duration.ofSeconds(120));
        assertThat(r.status()).as("exit status of mbsync; output:%n%s", r.output()).isZero();
    }

    private void deliver(String subject, String body) {
        tern.submit("bob@example.org", "From: bob@example.org\r\nTo: " + USER + "\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + subject.replace(' ', '.') + "@example.org>\r\n\r\n" + body + "\r\n", USER);
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox(USER).stream()
                .anyMatch(m -> tern.content(m).contains("Subject: " + subject)));
    }

    /** The messages of a Maildir folder: files in {@code cur} and {@code new}. */
    private List<Path> files(String folder) throws IOException {
        List<Path> all = new ArrayList<>();
        for (String sub : List.of("cur", "new")) {
            Path d = maildir.resolve(folder).resolve(sub);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.forEach(all::add);
                }
            }
        }
        return all;
    }

    private Path fileWith(String folder, String subject) throws IOException {
        for (Path f : files(folder)) {
            if (Files.readString(f).contains("Subject: " + subject)) {
                return f;
            }
        }
        throw new AssertionError("no message \"" + subject + "\" in Maildir folder " + folder);
    }

    /** The Maildir flags of a message file: the letters after {@code :2,}. */
    private static String maildirFlags(Path f) {
        String name = f.getFileName().toString();
        return name.substring(name.indexOf(":2,") + 3);
    }

    /** Sets a message file's Maildir flags, as a mail reader does, moving it to {@code cur}. */
    private static void setFlags(Path f, String flags) throws IOException {
        String name = f.getFileName().toString();
        Path cur = f.getParent().getParent().resolve("cur");
        Files.move(f, cur.resolve(name.substring(0, name.indexOf(":2,") + 3) + flags));
    }

    /** Writes a message into a Maildir folder (made if missing), as a mail reader saves one. */
    private void writeMessage(String folder, String name, String flags, String content) throws IOException {
        Path box = maildir.resolve(folder);
        for (String sub : List.of("cur", "new", "tmp")) {
            Files.createDirectories(box.resolve(sub));
        }
        Files.writeString(box.resolve("cur").resolve(name + ":2," + flags), content);
    }

    private Rows.Message serverMessage(String mailbox, String subject) {
        return tern.mailbox(USER, mailbox).stream().filter(m -> tern.content(m).contains("Subject: " + subject))
                .findFirst().orElseThrow(() -> new AssertionError("no message \"" + subject + "\" in " + mailbox));
    }

    private static Flags flags(Rows.Message m) {
        return Flags.fromStored(m.systemFlags(), m.keywords());
    }

    private long mailboxId(String name) {
        long account = tern.services().directory().user(USER).orElseThrow().id();
        return tern.services().mailboxes().mailboxes(account).stream().filter(b -> b.name().equals(name))
                .findFirst().orElseThrow().id();
    }

    @Test
    void changesOnEitherSideReachTheOther() throws Exception {
        deliver("First news", "the first body");
        deliver("Second news", "the second body");

        // 1. Down: every folder, every message, byte for byte but for the line ends (and the
        // X-TUID field mbsync adds to what it copies, to find it again after an interruption).
        sync();
        assertThat(files("INBOX")).hasSize(2);
        Rows.Message first = serverMessage("INBOX", "First news");
        assertThat(Files.readString(fileWith("INBOX", "First news")).replaceFirst("X-TUID: \\S+\n", ""))
                .isEqualTo(tern.content(first).replace("\r\n", "\n"));
        for (String special : List.of("Sent", "Drafts", "Trash", "Junk", "Archive")) {
            assertThat(maildir.resolve(special).resolve("cur")).as(special).isDirectory();
        }

        // 2. Up: flags, a trashed message, a message written into Sent and one in a new folder.
        setFlags(fileWith("INBOX", "First news"), "FS");
        setFlags(fileWith("INBOX", "Second news"), "T");
        writeMessage("Sent", "1700000000.1.laptop", "S", """
                From: alice@example.test
                To: bob@example.org
                Subject: Written offline
                Date: Tue, 1 Dec 2026 10:00:00 +0000
                Message-ID: <offline.1@example.test>

                I wrote this on the train.
                """);
        writeMessage("Projects", "1700000000.2.laptop", "F", """
                From: carol@example.org
                Subject: Filed away

                keep this
                """);
        sync();
        assertThat(tern.inbox(USER)).hasSize(1);
        assertThat(flags(serverMessage("INBOX", "First news")).names())
                .containsExactlyInAnyOrder("\\Seen", "\\Flagged");
        Rows.Message sent = serverMessage("Sent", "Written offline");
        assertThat(flags(sent).names()).containsExactly("\\Seen");
        assertThat(tern.content(sent)).contains("\r\nI wrote this on the train.\r\n");
        Rows.Message filed = serverMessage("Projects", "Filed away");
        assertThat(flags(filed).names()).containsExactly("\\Flagged");

        // 3. Down again: a flag taken off, an arrival and a removal on the server.
        MessageService messages = tern.services().mailboxes().messageService();
        messages.storeFlags(mailboxId("INBOX"), List.of(serverMessage("INBOX", "First news").uid()),
                FlagOperation.REMOVE, Flags.of(SystemFlag.SEEN), -1);
        deliver("Third news", "the third body");
        messages.remove(mailboxId("Projects"), List.of(filed.uid()));
        sync();
        assertThat(files("INBOX")).hasSize(2);
        assertThat(maildirFlags(fileWith("INBOX", "First news"))).isEqualTo("F");
        assertThat(Files.readString(fileWith("INBOX", "Third news"))).contains("\nthe third body\n");
        assertThat(maildirFlags(fileWith("INBOX", "Third news"))).isEmpty();
        assertThat(files("Projects")).isEmpty();

        // 4. Nothing left to do: nothing moves, nothing is copied twice.
        sync();
        assertThat(files("INBOX")).hasSize(2);
        assertThat(files("Sent")).hasSize(1);
        assertThat(tern.inbox(USER)).hasSize(2);
        assertThat(tern.mailbox(USER, "Sent")).hasSize(1);
        assertThat(tern.mailbox(USER, "Projects")).isEmpty();
    }
}
