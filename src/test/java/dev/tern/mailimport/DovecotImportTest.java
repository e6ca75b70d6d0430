package dev.tern.mailimport;

import dev.tern.directory.Account;
import dev.tern.mailbox.Flags;
import dev.tern.server.Services;
import dev.tern.store.Rows;
import dev.tern.testing.ClientRun;
import dev.tern.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Mail as Dovecot itself keeps it: Debian's {@code doveadm} saves messages, makes folders and sets
 * flags and keywords in a Maildir++ tree (with its index files, {@code dovecot-uidlist} and
 * {@code dovecot-keywords}) or in an mbox file (with its {@code X-UID}, {@code Status},
 * {@code X-Keywords} and {@code Content-Length} fields, and unquoted {@code From } lines), and
 * {@code tern mailbox import} brings it into an account. doveadm runs without a Dovecot server, as
 * user nobody (Dovecot refuses mail access as root). .ci/run installs dovecot-core; skipped only
 * where doveadm is missing.
 */
class DovecotImportTest {

    static final Path DOVEADM = Path.of("/usr/bin/doveadm");

    @TempDir
    Path dir;
    Services services;

    @AfterEach
    void tearDown() {
        if (services != null) {
            services.close();
        }
    }

    /** Runs doveadm on the test's Maildir with {@code input} on its standard input (null: none). */
    private void doveadm(String input, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(DOVEADM.toString(), "-c", dir.resolve("dovecot.conf").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().put("HOME", dir.resolve("home").toString());
        pb.environment().put("USER", "nobody");
        Path stdin = dir.resolve("stdin");
        Files.writeString(stdin, input == null ? "" : input);
        pb.redirectInput(stdin.toFile());
        ClientRun.Result r = ClientRun.run(pb, dir.resolve("doveadm.out"), Duration.ofSeconds(60));
        assertThat(r.status()).as("doveadm %s:%n%s", String.join(" ", args), r.output()).isZero();
    }

    private List<Rows.Message> messages(Account a, String mailbox) {
        return services.mailboxes().messages(services.mailboxes().mailbox(a.id(), mailbox).orElseThrow().id());
    }

    private String content(Rows.Message m) throws Exception {
        try (InputStream in = services.mailboxes().open(m)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> flags(Rows.Message m) {
        return Flags.fromStored(m.systemFlags(), m.keywords()).names();
    }

    /** A doveadm of its own, keeping mail where {@code mailLocation} says (%1$s: the test's directory). */
    private void dovecot(String mailLocation) throws Exception {
        assumeTrue(Files.isExecutable(DOVEADM), "doveadm is not installed (apt-get install dovecot-core)");
        for (Path p : List.of(dir, Files.createDirectories(dir.resolve("home")), Files.createDirectories(dir.resolve("mail")))) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));   // for user nobody
        }
        Files.writeString(dir.resolve("dovecot.conf"), """
                base_dir = %1$s/run
                state_dir = %1$s/state
                log_path = %1$s/dovecot.log
                mail_location = %2$s
                mail_uid = 65534
                mail_gid = 65534
                first_valid_gid = 0
                """.formatted(dir, mailLocation.formatted(dir)));
    }

    private Account alice() throws Exception {
        Files.createDirectories(dir.resolve("tern"));
        services = new Services(TestConfigs.write(dir.resolve("tern")), 2);
        services.directory().addDomain("example.test");
        return services.directory().addUser("alice@example.test", "alice pw");
    }

    @Test
    void anMboxThatDovecotKeptIsImportedWithFlagsAndUnquotedFromLines() throws Exception {
        dovecot("mbox:%1$s/mail:INBOX=%1$s/inbox");
        doveadm("From: carol@example.org\nSubject: one\n\nFrom the first line\n>From a quote\n\nFrom after a blank\n",
                "save", "-m", "INBOX");
        doveadm("Subject: two\n\nSecond\n", "save", "-m", "INBOX");
        doveadm(null, "flags", "add", "\\Seen \\Answered Work", "mailbox", "INBOX", "uid", "1");
        assertThat(Files.readString(dir.resolve("inbox"))).as("Dovecot's mbox").contains("Content-Length: ", "X-UID: 1");

        Account alice = alice();
        MailImport.Result r = new MailImport(services.mailboxes()).from(alice.id(), dir.resolve("inbox"), null, l -> { });
        assertThat(r.messages()).containsExactly(java.util.Map.entry("INBOX", 2));
        List<Rows.Message> inbox = messages(alice, "INBOX");
        assertThat(content(inbox.get(0))).isEqualTo("From: carol@example.org\r\nSubject: one\r\n\r\n"
                + "From the first line\r\n>From a quote\r\n\r\nFrom after a blank\r\n");
        assertThat(flags(inbox.get(0))).containsExactlyInAnyOrder("\\Seen", "\\Answered", "Work");
        assertThat(content(inbox.get(1))).isEqualTo("Subject: two\r\n\r\nSecond\r\n");
        assertThat(flags(inbox.get(1))).isEmpty();
    }

    @Test
    void aMaildirThatDovecotKeptIsImportedWithFoldersFlagsKeywordsAndOrder() throws Exception {
        dovecot("maildir:%1$s/Maildir");
        doveadm("From: carol@example.org\nSubject: one\n\nFirst\n", "save", "-m", "INBOX");
        doveadm("From: carol@example.org\nSubject: two\n\nSecond\n>From a quote\n", "save", "-m", "INBOX");
        doveadm("From: carol@example.org\nSubject: three\n\nThird\n", "save", "-m", "INBOX");
        doveadm(null, "mailbox", "create", "-s", "Entwürfe", "Lists.dev");
        doveadm(null, "mailbox", "create", "Unsubscribed");
        doveadm("Subject: elsewhere\n\nx\n", "save", "-m", "Unsubscribed");
        doveadm("Subject: draft\n\nNot yet\n", "save", "-m", "Entwürfe");
        doveadm("Subject: list mail\n\nHello list\n", "save", "-m", "Lists.dev");
        doveadm(null, "flags", "add", "\\Seen $Label1 Work", "mailbox", "INBOX", "uid", "1");
        doveadm(null, "flags", "add", "\\Answered \\Flagged", "mailbox", "INBOX", "uid", "2");
        doveadm(null, "flags", "add", "\\Draft", "mailbox", "Entwürfe", "uid", "1");
        doveadm(null, "flags", "add", "\\Seen \\Deleted Work", "mailbox", "Lists.dev", "uid", "1");
        assertThat(dir.resolve("Maildir/dovecot-keywords")).as("Dovecot's own files").exists();

        Account alice = alice();
        Instant before = Instant.now().minusSeconds(300);
        MailImport.Result r = new MailImport(services.mailboxes()).from(alice.id(), dir.resolve("Maildir"), null, l -> { });

        assertThat(r.messages()).containsExactly(java.util.Map.entry("INBOX", 3), java.util.Map.entry("Entwürfe", 1),
                java.util.Map.entry("Lists/dev", 1), java.util.Map.entry("Unsubscribed", 1));
        assertThat(services.mailboxes().listSubscribed(alice.id(), "*")).extracting(l -> l.name())
                .as("Dovecot's subscriptions file").contains("Entwürfe", "Lists/dev").doesNotContain("Unsubscribed");
        assertThat(r.skipped()).isEmpty();
        List<Rows.Message> inbox = messages(alice, "INBOX");
        assertThat(inbox).extracting(m -> m.uid()).containsExactly(1L, 2L, 3L);
        assertThat(content(inbox.get(0))).isEqualTo("From: carol@example.org\r\nSubject: one\r\n\r\nFirst\r\n");
        assertThat(flags(inbox.get(0))).containsExactlyInAnyOrder("\\Seen", "$Label1", "Work");
        assertThat(content(inbox.get(1))).isEqualTo("From: carol@example.org\r\nSubject: two\r\n\r\nSecond\r\n>From a quote\r\n");
        assertThat(flags(inbox.get(1))).containsExactlyInAnyOrder("\\Answered", "\\Flagged");
        assertThat(flags(inbox.get(2))).isEmpty();
        assertThat(inbox.get(0).internalDate()).isAfter(before).isBefore(Instant.now());
        assertThat(flags(messages(alice, "Entwürfe").get(0))).containsExactly("\\Draft");
        assertThat(content(messages(alice, "Lists/dev").get(0))).isEqualTo("Subject: list mail\r\n\r\nHello list\r\n");
        assertThat(flags(messages(alice, "Lists/dev").get(0))).containsExactlyInAnyOrder("\\Seen", "\\Deleted", "Work");
    }
}
