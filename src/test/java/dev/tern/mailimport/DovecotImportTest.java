package dev.tern.mailimport;

import dev.tern.directory.Account;
import dev.tern.mailbox.Flags;
import dev.tern.server.Services;
import dev.tern.store.Rows;
import dev.tern.testing.ClientRun;
import dev.tern.testing.RawPop3Client;
import dev.tern.testing.RunningServer;
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
    /** Dovecot's POP3 server, run on standard input and output, logged in already (dovecot-pop3d). */
    static final Path DOVECOT_POP3 = Path.of("/usr/lib/dovecot/pop3");

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

    /** UIDL as Dovecot's POP3 server answers it for the test's INBOX, each line "n id". */
    private List<String> dovecotUidl(String... options) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(DOVECOT_POP3.toString(), "-c",
                dir.resolve("dovecot.conf").toString()));
        command.addAll(List.of(options));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().put("HOME", dir.resolve("home").toString());
        pb.environment().put("USER", "nobody");
        // Its input must be a pipe (Dovecot watches it with epoll, which refuses files).
        Path out = dir.resolve("pop3.out");
        Process p = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try (java.io.OutputStream in = p.getOutputStream()) {
            in.write("UIDL\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String output = Files.readString(out);
        assertThat(p.isAlive() ? -1 : p.exitValue()).as("dovecot pop3:%n%s", output).isZero();
        return output.lines().map(String::strip).filter(l -> l.matches("\\d+ \\S+")).toList();
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
        List<String> dovecotIds = Files.isExecutable(DOVECOT_POP3) ? dovecotUidl() : null;

        Account alice = alice();
        MailImport.Result r = new MailImport(services.mailboxes()).from(alice.id(), dir.resolve("inbox"), null, l -> { });
        assertThat(r.messages()).containsExactly(java.util.Map.entry("INBOX", 2));
        if (dovecotIds != null) {
            // From X-UID and the UIDVALIDITY of X-IMAPbase, as Dovecot's POP3 server makes them.
            java.util.Map<Long, String> kept = services.mailboxes().messageService()
                    .pop3Uidls(services.mailboxes().mailbox(alice.id(), "INBOX").orElseThrow().id());
            assertThat(kept.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()).isEqualTo(dovecotIds);
        }
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

    @Test
    void pop3ClientsSeeTheIdsDovecotGaveTheirMessages() throws Exception {
        dovecot("maildir:%1$s/Maildir");
        assumeTrue(Files.isExecutable(DOVECOT_POP3), "Dovecot's pop3 is not installed (apt-get install dovecot-pop3d)");
        doveadm("Subject: one\n\nFirst\n", "save", "-m", "INBOX");
        doveadm("Subject: two\n\nSecond\n", "save", "-m", "INBOX");
        // A POP3 session that keeps the ids it gives (Dovecot writes them into dovecot-uidlist),
        // made with another format than the one in force later.
        dovecotUidl("-o", "pop3_save_uidl=yes", "-o", "pop3_uidl_format=%f");
        doveadm("Subject: three\n\nThird\n", "save", "-m", "INBOX");
        doveadm(null, "mailbox", "create", "Lists.dev");
        doveadm("Subject: elsewhere\n\nx\n", "save", "-m", "Lists.dev");
        List<String> dovecotDefault = dovecotUidl();
        List<String> dovecotOther = dovecotUidl("-o", "pop3_uidl_format=%v.%u");
        assertThat(dovecotDefault).hasSize(3);
        assertThat(dovecotDefault.get(2)).as("Dovecot's default, %08Xu%08Xv").matches("3 00000003[0-9a-f]{8}");
        assertThat(dovecotOther.get(2)).matches("3 \\d+\\.3");

        Files.createDirectories(dir.resolve("tern"));
        try (RunningServer tern = new RunningServer(dir.resolve("tern"), "[auth]\nplaintext_on_loopback = true\n",
                "pop3 = [\"127.0.0.1:0\"]\n", null)) {
            tern.services().directory().addDomain("example.test");
            Account alice = tern.services().directory().addUser("alice@example.test", "alice pw");
            Account bob = tern.services().directory().addUser("bob@example.test", "bob pw");
            MailImport importer = new MailImport(tern.services().mailboxes());
            MailImport.Result r = importer.from(alice.id(), dir.resolve("Maildir"), null, l -> { });
            assertThat(r.pop3Ids()).as("the INBOX's, not Lists/dev's").isEqualTo(3);
            importer.from(bob.id(), dir.resolve("Maildir"), null, "%v.%u", l -> { });

            assertThat(ternUidl(tern, "alice@example.test", "alice pw")).isEqualTo(dovecotDefault);
            assertThat(ternUidl(tern, "bob@example.test", "bob pw")).isEqualTo(dovecotOther);

            // Delivered mail goes by Tern's own ids, which never meet Dovecot's.
            tern.services().mailboxes().messageService().append(
                    tern.services().mailboxes().mailbox(alice.id(), "INBOX").orElseThrow().id(),
                    "Subject: new\r\n\r\nhere\r\n".getBytes(StandardCharsets.UTF_8), dev.tern.mailbox.Flags.NONE, Instant.now());
            List<String> after = ternUidl(tern, "alice@example.test", "alice pw");
            assertThat(after.subList(0, 3)).isEqualTo(dovecotDefault);
            assertThat(after.get(3)).matches("4 \\d+-4");
        }
    }

    private static List<String> ternUidl(RunningServer tern, String user, String password) throws Exception {
        try (RawPop3Client pop3 = new RawPop3Client(tern.port("pop3"))) {
            assertThat(pop3.line()).startsWith("+OK");
            assertThat(pop3.command("USER " + user)).startsWith("+OK");
            assertThat(pop3.command("PASS " + password)).startsWith("+OK");
            assertThat(pop3.command("UIDL")).startsWith("+OK");
            List<String> ids = pop3.multiline();
            assertThat(pop3.command("QUIT")).startsWith("+OK");
            return ids;
        }
    }
}
