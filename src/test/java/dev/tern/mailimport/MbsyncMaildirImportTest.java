package dev.tern.mailimport;

import dev.tern.directory.Account;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MessageService;
import dev.tern.store.Rows;
import dev.tern.testing.ClientRun;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A Maildir written by a real tool: isync's {@code mbsync} copies an account over IMAPS into a
 * Maildir++ folder tree (the layout Dovecot and Courier keep mail in), and {@code tern mailbox
 * import} brings that tree into another account; each mailbox then holds the same messages with
 * the same flags, in the same order. .ci/run installs isync; skipped only where mbsync is missing.
 */
class MbsyncMaildirImportTest {

    static final Path MBSYNC = Path.of("/usr/bin/mbsync");
    static final String PASSWORD = "mbsync-secret-pw";

    @TempDir
    Path dir;
    RunningServer tern;

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    private static String message(String subject) {
        return "From: carol@example.org\r\nTo: alice@example.test\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + subject.replace(' ', '.') + "@example.org>\r\n\r\nAbout " + subject + "\r\n";
    }

    /** Each message of a mailbox: its flags and its content without the X-TUID field mbsync adds. */
    private List<String> described(Account account, String mailbox) throws Exception {
        List<String> out = new ArrayList<>();
        Rows.Mailbox m = tern.services().mailboxes().mailbox(account.id(), mailbox).orElseThrow();
        for (Rows.Message msg : tern.services().mailboxes().messages(m.id())) {
            String content = tern.content(msg).replaceAll("(?m)^X-TUID: .*\r\n", "");
            out.add(Flags.fromStored(msg.systemFlags(), msg.keywords()).names() + " " + content);
        }
        return out;
    }

    @Test
    void aMaildirThatMbsyncWroteIsImportedWithItsFoldersAndFlags() throws Exception {
        assumeTrue(Files.isExecutable(MBSYNC), "mbsync is not installed (apt-get install isync)");
        tern = RunningServer.withAccount(dir.resolve("server"), "imaps = [\"127.0.0.1:0\"]\n", "alice@example.test", PASSWORD);
        Account alice = tern.services().directory().user("alice@example.test").orElseThrow();
        Account bob = tern.services().directory().addUser("bob@example.test", "bob pw");
        MessageService messages = tern.services().mailboxes().messageService();
        tern.services().mailboxes().create(alice.id(), "Archive/2024", null);
        tern.services().mailboxes().create(alice.id(), "Projekte/Entwürfe", null);
        Instant t = Instant.parse("2024-03-01T10:00:00Z");
        long inbox = tern.services().mailboxes().mailbox(alice.id(), "INBOX").orElseThrow().id();
        messages.append(inbox, message("one").getBytes(), Flags.of("\\Seen", "\\Flagged"), t);
        messages.append(inbox, message("two").getBytes(), Flags.NONE, t.plusSeconds(60));
        messages.append(inbox, message("three").getBytes(), Flags.of("\\Seen", "\\Answered"), t.plusSeconds(120));
        messages.append(tern.services().mailboxes().mailbox(alice.id(), "Archive/2024").orElseThrow().id(),
                message("archived").getBytes(), Flags.of("\\Seen"), t.minusSeconds(86_400));
        messages.append(tern.services().mailboxes().mailbox(alice.id(), "Projekte/Entwürfe").orElseThrow().id(),
                message("entwurf").getBytes(), Flags.of("\\Draft", "\\Seen"), t);
        messages.append(tern.services().mailboxes().mailbox(alice.id(), "Sent").orElseThrow().id(),
                message("sent").getBytes(), Flags.of("\\Seen"), t);

        Path maildir = dir.resolve("Maildir");
        Files.createDirectories(maildir);
        Path pem = dir.resolve("server.pem");
        TestCertificates.writePem(pem, tern.server().tls().certificate());
        Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        Files.writeString(dir.resolve("mbsyncrc"), """
                IMAPAccount tern
                Host 127.0.0.1
                Port %d
                User alice@example.test
                PassCmd "cat %s"
                SSLType IMAPS
                CertificateFile %s

                IMAPStore remote
                Account tern

                MaildirStore local
                Inbox %s
                SubFolders Maildir++

                Channel everything
                Far :remote:
                Near :local:
                Patterns *
                Create Near
                Sync Pull
                SyncState *
                """.formatted(tern.port("imaps"), dir.resolve("password"), pem, maildir));
        ClientRun.Result sync = ClientRun.run(new ProcessBuilder(MBSYNC.toString(), "-c",
                dir.resolve("mbsyncrc").toString(), "everything").directory(dir.toFile()),
                dir.resolve("mbsync.out"), Duration.ofSeconds(120));
        assertThat(sync.status()).as("mbsync:%n%s", sync.output()).isZero();
        assertThat(maildir.resolve(".Archive.2024/cur")).as("a Maildir++ tree").isDirectory();

        InProcessCli.Result imported = InProcessCli.run(tern.services().config().source(), null,
                "mailbox", "import", "bob@example.test", maildir.toString());
        assertThat(imported.code()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("INBOX: 3 message(s)", "Archive/2024: 1 message(s)",
                "Projekte/Entwürfe: 1 message(s)", "Sent: 1 message(s)", "imported 6 message(s)");

        for (String mailbox : List.of("INBOX", "Archive/2024", "Projekte/Entwürfe", "Sent")) {
            assertThat(described(bob, mailbox)).as(mailbox).isEqualTo(described(alice, mailbox));
        }
    }
}
