package dev.tern.mailexport;

import dev.tern.directory.Account;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.Pop3Ids;
import dev.tern.mailimport.MailImport;
import dev.tern.server.Services;
import dev.tern.store.Rows;
import dev.tern.testing.ClientRun;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code tern mailbox export}: an account's mail written as a Maildir that Debian's Dovecot reads
 * as its own (folders, flags, keywords, UIDs, UIDVALIDITY, subscriptions), and that
 * {@code tern mailbox import} brings back as it was.
 */
class MaildirExportTest {

    static final Path DOVEADM = Path.of("/usr/bin/doveadm");
    static final Instant JAN_2 = Instant.parse("2024-01-02T10:00:00Z");
    static final Instant MAR_5 = Instant.parse("2024-03-05T08:30:00Z");

    @TempDir
    Path dir;
    Services services;
    Account alice;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(dir.resolve("tern"));
        services = new Services(TestConfigs.write(dir.resolve("tern")), 2);
        services.directory().addDomain("example.test");
        alice = services.directory().addUser("alice@example.test", "alice pw");
        append("INBOX", "From: carol@example.org\r\nSubject: one\r\n\r\nFirst\r\n",
                Flags.of("\\Seen", "\\Flagged", "$Forwarded", "Work"), JAN_2);
        append("INBOX", "From: carol@example.org\r\nSubject: two\r\n\r\nSecond\r\n", Flags.NONE, MAR_5);
        // The second came from another server by an import that kept its POP3 id.
        services.mailboxes().messageService().setPop3Uidls(box(alice, "INBOX").id(), Map.of(2L, "000000024f3c2a1b"));
        services.mailboxes().create(alice.id(), "Lists/dev", null);
        services.mailboxes().subscribe(alice.id(), "Lists/dev");
        append("Lists/dev", "Subject: list mail\r\n\r\nHello list\r\n", Flags.of("\\Answered", "Work", "$Label2"), MAR_5);
        services.mailboxes().create(alice.id(), "Entwürfe", null);
        append("Entwürfe", "Subject: draft\r\n\r\nNot yet\r\n", Flags.of("\\Draft"), MAR_5);
    }

    @AfterEach
    void tearDown() {
        services.close();
    }

    private void append(String mailbox, String content, Flags flags, Instant date) {
        long id = services.mailboxes().mailbox(alice.id(), mailbox).orElseThrow().id();
        services.mailboxes().messageService().append(id, content.getBytes(StandardCharsets.UTF_8), flags, date);
    }

    private Rows.Mailbox box(Account a, String name) {
        return services.mailboxes().mailbox(a.id(), name).orElseThrow();
    }

    private List<Rows.Message> messages(Account a, String name) {
        return services.mailboxes().messages(box(a, name).id());
    }

    private String content(Rows.Message m) throws Exception {
        try (InputStream in = services.mailboxes().open(m)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private MaildirExport.Result export(Path to, String only) throws Exception {
        return new MaildirExport(services.mailboxes(), "mx.example.test").to(alice.id(), to, only, l -> { });
    }

    @Test
    void theFilesSayFlagsKeywordsUidsAndDates() throws Exception {
        Path maildir = dir.resolve("Maildir");
        MaildirExport.Result r = export(maildir, null);
        assertThat(r.messages()).containsEntry("INBOX", 2).containsEntry("Lists/dev", 1).containsEntry("Entwürfe", 1);
        assertThat(r.notes()).isEmpty();

        List<Path> inbox = files(maildir.resolve("cur"));
        assertThat(inbox).extracting(p -> p.getFileName().toString())
                .containsExactly(JAN_2.getEpochSecond() + ".M1.mx.example.test,S=44,W=48:2,FSab",
                        MAR_5.getEpochSecond() + ".M2.mx.example.test,S=45,W=49:2,");
        assertThat(Files.readString(inbox.get(0))).isEqualTo("From: carol@example.org\nSubject: one\n\nFirst\n");
        assertThat(Files.getLastModifiedTime(inbox.get(0)).toInstant()).isEqualTo(JAN_2);
        assertThat(Files.readString(maildir.resolve("dovecot-keywords"))).isEqualTo("0 $Forwarded\n1 Work\n");
        Rows.Mailbox in = box(alice, "INBOX");
        assertThat(Files.readAllLines(maildir.resolve("dovecot-uidlist"))).containsExactly(
                "3 V" + in.uidValidity() + " N" + in.uidNext(),
                "1 P" + in.uidValidity() + "-1 :" + JAN_2.getEpochSecond() + ".M1.mx.example.test,S=44,W=48",
                "2 P000000024f3c2a1b :" + MAR_5.getEpochSecond() + ".M2.mx.example.test,S=45,W=49");
        // Maildir++: a level below another is a dotted directory, non-ASCII names in modified UTF-7.
        assertThat(files(maildir.resolve(".Lists.dev/cur"))).singleElement()
                .satisfies(p -> assertThat(p.getFileName().toString()).endsWith(":2,Rab"));
        assertThat(Files.readString(maildir.resolve(".Lists.dev/dovecot-keywords"))).isEqualTo("0 $Label2\n1 Work\n");
        assertThat(maildir.resolve(".Entw&APw-rfe/cur")).isDirectory();
        assertThat(Files.readAllLines(maildir.resolve("subscriptions"))).startsWith("V\t2", "")
                .contains("INBOX", "Lists\tdev").doesNotContain("Entwürfe");
        assertThat(maildir.resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void dovecotReadsItAsItsOwn() throws Exception {
        assumeTrue(Files.isExecutable(DOVEADM), "doveadm is not installed (apt-get install dovecot-core)");
        Path maildir = dir.resolve("Maildir");
        export(maildir, null);
        openToNobody(dir);
        Files.writeString(dir.resolve("dovecot.conf"), """
                base_dir = %1$s/run
                state_dir = %1$s/state
                log_path = %1$s/dovecot.log
                mail_location = maildir:%1$s/Maildir
                mail_uid = 65534
                mail_gid = 65534
                first_valid_gid = 0
                """.formatted(dir));

        assertThat(doveadm("mailbox", "list").lines().map(String::strip))
                .contains("INBOX", "Lists", "Lists.dev", "Entwürfe");
        assertThat(doveadm("mailbox", "list", "-s").lines().map(String::strip)).contains("Lists.dev")
                .doesNotContain("Entwürfe");
        assertThat(doveadm("mailbox", "status", "uidvalidity", "INBOX"))
                .contains("uidvalidity=" + box(alice, "INBOX").uidValidity());
        // The UIDs clients know, the flags and keywords, the received dates and the text.
        String fetched = doveadm("fetch", "uid flags date.received", "mailbox", "INBOX", "all");
        assertThat(fetched).contains("uid: 1", "uid: 2").contains("date.received: 2024-01-02 ");
        // The POP3 ids Tern's POP3 gives, which Dovecot's then serves.
        assertThat(doveadm("fetch", "pop3.uidl", "mailbox", "INBOX", "all").lines().map(String::strip)
                .filter(l -> l.startsWith("pop3.uidl:")).toList())
                .containsExactly("pop3.uidl: " + box(alice, "INBOX").uidValidity() + "-1", "pop3.uidl: 000000024f3c2a1b");
        assertThat(fetched.lines().filter(l -> l.startsWith("flags:")).toList())
                .satisfiesExactly(f -> assertThat(f.split(" ")).contains("\\Seen", "\\Flagged", "$Forwarded", "Work"),
                        f -> assertThat(f.strip()).isEqualTo("flags:"));
        assertThat(doveadm("fetch", "uid flags text", "mailbox", "Lists.dev", "all"))
                .contains("uid: 1").contains("\\Answered").contains("$Label2").contains("Work")
                .contains("Subject: list mail").contains("Hello list");
        assertThat(doveadm("fetch", "flags", "mailbox", "Entwürfe", "all")).contains("\\Draft");
    }

    @Test
    void importBringsItBackAsItWas() throws Exception {
        Path maildir = dir.resolve("Maildir");
        export(maildir, null);
        Account bob = services.directory().addUser("bob@example.test", "bob pw");
        MailImport.Result r = new MailImport(services.mailboxes()).from(bob.id(), maildir, null, l -> { });
        assertThat(r.skipped()).isEmpty();
        for (String name : List.of("INBOX", "Lists/dev", "Entwürfe")) {
            List<Rows.Message> before = messages(alice, name);
            List<Rows.Message> after = messages(bob, name);
            assertThat(after).as(name).hasSameSizeAs(before);
            for (int i = 0; i < before.size(); i++) {
                assertThat(content(after.get(i))).isEqualTo(content(before.get(i)));
                assertThat(Flags.fromStored(after.get(i).systemFlags(), after.get(i).keywords()).names())
                        .containsExactlyInAnyOrderElementsOf(
                                Flags.fromStored(before.get(i).systemFlags(), before.get(i).keywords()).names());
                assertThat(after.get(i).internalDate()).isEqualTo(before.get(i).internalDate());
            }
        }
        assertThat(services.mailboxes().listSubscribed(bob.id(), "*")).extracting(l -> l.name()).contains("Lists/dev");
        // POP3 clients see the same ids in the new account.
        assertThat(pop3Ids(bob)).isEqualTo(pop3Ids(alice)).hasSize(2);
    }

    private List<String> pop3Ids(Account a) {
        Rows.Mailbox inbox = box(a, "INBOX");
        Pop3Ids ids = new Pop3Ids(inbox.uidValidity(), messages(a, "INBOX").stream().map(Rows.Message::uid).toList(),
                services.mailboxes().messageService().pop3Uidls(inbox.id()));
        return messages(a, "INBOX").stream().map(m -> ids.of(m.uid())).toList();
    }

    @Test
    void oneMailboxAloneAndWhereItCannotGo() throws Exception {
        Path lists = dir.resolve("lists");
        MaildirExport.Result r = export(lists, "Lists/dev");
        assertThat(r.messages()).containsExactly(Map.entry("Lists/dev", 1));
        assertThat(files(lists.resolve("cur"))).hasSize(1);
        assertThat(lists.resolve("subscriptions")).doesNotExist();

        assertThatThrownBy(() -> export(lists, null)).hasMessageContaining("is not empty");
        assertThatThrownBy(() -> export(dir.resolve("none"), "Nope")).hasMessageContaining("no mailbox Nope");

        // The command line says what it wrote.
        InProcessCli.Result cli = InProcessCli.run(dir.resolve("tern/tern.toml"), null, "mailbox", "export",
                "alice@example.test", dir.resolve("cli").toString());
        assertThat(cli.code()).as(cli.err()).isZero();
        assertThat(cli.out()).contains("exported 4 message(s)").contains("into " + dir.resolve("cli"));
        InProcessCli.Result again = InProcessCli.run(dir.resolve("tern/tern.toml"), null, "mailbox", "export",
                "alice@example.test", dir.resolve("cli").toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("is not empty");
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** Dovecot runs as nobody, and writes its index files beside the mail. */
    private static void openToNobody(Path root) throws Exception {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(all::add);
        }
        for (Path p : all) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxrwxrwx" : "rw-rw-rw-"));
        }
    }

    private String doveadm(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(DOVEADM.toString(), "-c", dir.resolve("dovecot.conf").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().put("HOME", dir.toString());
        pb.environment().put("USER", "nobody");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        ClientRun.Result r = ClientRun.run(pb, dir.resolve("doveadm.out"), Duration.ofSeconds(60));
        assertThat(r.status()).as("doveadm %s:%n%s", String.join(" ", args), r.output()).isZero();
        return r.output();
    }
}
