package dev.tern.mailimport;

import dev.tern.directory.Account;
import dev.tern.mailbox.Flags;
import dev.tern.server.Services;
import dev.tern.store.Rows;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MailImportTest {

    @TempDir
    Path dir;
    Services services;
    Account alice;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(dir.resolve("tern"));
        services = new Services(TestConfigs.write(dir.resolve("tern")), 2);
        services.directory().addDomain("example.test");
        alice = services.directory().addUser("alice@example.test", "alice pw");
    }

    @AfterEach
    void tearDown() {
        services.close();
    }

    private static Path write(Path file, String content, String modified) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse(modified)));
        return file;
    }

    private static Path maildir(Path root) throws IOException {
        for (String sub : List.of("cur", "new", "tmp")) {
            Files.createDirectories(root.resolve(sub));
        }
        return root;
    }

    private List<Rows.Message> messages(String mailbox) {
        return services.mailboxes().messages(services.mailboxes().mailbox(alice.id(), mailbox).orElseThrow().id());
    }

    private String content(Rows.Message m) throws IOException {
        try (InputStream in = services.mailboxes().open(m)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private List<String> contents(String mailbox) throws IOException {
        List<String> all = new java.util.ArrayList<>();
        for (Rows.Message m : messages(mailbox)) {
            all.add(content(m));
        }
        return all;
    }

    private List<String> subscribed() {
        return services.mailboxes().listSubscribed(alice.id(), "*").stream().map(l -> l.name()).toList();
    }

    private static List<String> flags(Rows.Message m) {
        return Flags.fromStored(m.systemFlags(), m.keywords()).names();
    }

    @Test
    void aDovecotMaildirComesWithItsFoldersFlagsKeywordsDatesAndOrder() throws IOException {
        Path root = maildir(dir.resolve("Maildir"));
        // Dovecot's UID order differs from the names' order: the UID list wins.
        write(root.resolve("cur/1700000002.M2P1.host,S=40:2,S"), "Subject: second\n\nBody two\n", "2023-11-14T22:13:22Z");
        write(root.resolve("cur/1700000001.M1P1.host,S=40:2,FRab"), "Subject: first\n\nBody one\r\n", "2023-11-14T22:13:21Z");
        write(root.resolve("new/1700000003.M3P1.host"), "Subject: new\n\n>From here\n", "2023-11-14T22:13:23Z");
        Files.writeString(root.resolve("dovecot-keywords"), "0 $Label1\n1 Work\n2 not an atom\n");
        Files.writeString(root.resolve("dovecot-uidlist"), "3 V1700000000 N4 G0\n"
                + "1 :1700000001.M1P1.host,S=40\n2 :1700000002.M2P1.host,S=40:2,S\n");
        Files.writeString(root.resolve("dovecot.index.log"), "not mail");
        Path sent = maildir(root.resolve(".Sent"));
        write(sent.resolve("cur/1700000010.M1P2.host:2,SP"), "Subject: sent\n\nx\n", "2023-11-14T22:13:30Z");
        Path lists = maildir(root.resolve(".Lists.Entw&APw-rfe"));
        write(lists.resolve("cur/1700000020.M1P3.host:2,DT"), "Subject: draft\n\ny\n", "2023-11-14T22:13:40Z");
        write(lists.resolve("cur/.hidden"), "not mail", "2023-11-14T22:13:40Z");

        MailImport.Result r = new MailImport(services.mailboxes()).from(alice.id(), root, null, line -> { });

        assertThat(r.messages()).as("the top first, then by name").containsExactly(java.util.Map.entry("INBOX", 3),
                java.util.Map.entry("Lists/Entwürfe", 1), java.util.Map.entry("Sent", 1));
        assertThat(r.skipped()).isEmpty();
        List<Rows.Message> inbox = messages("INBOX");
        assertThat(inbox).extracting(m -> m.uid()).containsExactly(1L, 2L, 3L);
        assertThat(content(inbox.get(0))).isEqualTo("Subject: first\r\n\r\nBody one\r\n");
        assertThat(flags(inbox.get(0))).containsExactlyInAnyOrder("\\Answered", "\\Flagged", "$Label1", "Work");
        assertThat(inbox.get(0).internalDate()).isEqualTo(Instant.parse("2023-11-14T22:13:21Z"));
        assertThat(content(inbox.get(1))).isEqualTo("Subject: second\r\n\r\nBody two\r\n");
        assertThat(flags(inbox.get(1))).containsExactly("\\Seen");
        assertThat(content(inbox.get(2))).as("a Maildir body is not mbox-quoted").isEqualTo("Subject: new\r\n\r\n>From here\r\n");
        assertThat(flags(inbox.get(2))).isEmpty();
        assertThat(inbox.get(0).size()).isEqualTo("Subject: first\r\n\r\nBody one\r\n".length());
        assertThat(flags(messages("Sent").get(0))).containsExactlyInAnyOrder("\\Seen", "$Forwarded");
        assertThat(flags(messages("Lists/Entwürfe").get(0))).containsExactlyInAnyOrder("\\Draft", "\\Deleted");
        assertThat(r.bytes()).isEqualTo(inbox.stream().mapToLong(Rows.Message::size).sum()
                + messages("Sent").get(0).size() + messages("Lists/Entwürfe").get(0).size());
    }

    @Test
    void aNestedMaildirAndATargetMailboxPutEverythingUnderIt() throws IOException {
        Path root = maildir(dir.resolve("mail"));
        write(root.resolve("cur/1:2,S"), "Subject: top\n\n", "2020-01-01T00:00:00Z");
        Path child = maildir(root.resolve("Projects/Tern"));
        maildir(root.resolve("Projects"));
        write(child.resolve("new/2"), "Subject: nested\n\n", "2020-01-01T00:00:01Z");

        MailImport.Result r = new MailImport(services.mailboxes()).from(alice.id(), root, "Old", line -> { });
        assertThat(r.messages()).containsExactly(java.util.Map.entry("Old", 1), java.util.Map.entry("Old/Projects", 0),
                java.util.Map.entry("Old/Projects/Tern", 1));
        assertThat(content(messages("Old/Projects/Tern").get(0))).isEqualTo("Subject: nested\r\n\r\n");
        assertThat(subscribed()).as("no subscriptions file: every mailbox made is subscribed")
                .contains("Old", "Old/Projects", "Old/Projects/Tern");

        MailImport.Result again = new MailImport(services.mailboxes()).from(alice.id(), root, "Old", line -> { });
        assertThat(again.total()).as("a second import adds nothing").isZero();
        assertThat(again.present()).isEqualTo(2);
        assertThat(messages("Old")).hasSize(1);
    }

    @Test
    void theSubscriptionsOfTheMaildirAreKeptForTheMailboxesItMakes() throws IOException {
        Path courier = maildir(dir.resolve("courier"));
        for (String folder : List.of(".Lists.dev", ".Lists.Entw&APw-rfe", ".Old")) {
            write(maildir(courier.resolve(folder)).resolve("cur/1:2,"), "Subject: " + folder + "\n\n", "2020-01-01T00:00:00Z");
        }
        Files.writeString(courier.resolve("courierimapsubscribed"), "INBOX\nINBOX.Lists.Entw&APw-rfe\nINBOX.Gone\n");
        services.mailboxes().create(alice.id(), "Old", null);
        new MailImport(services.mailboxes()).from(alice.id(), courier, null, l -> { });
        assertThat(subscribed()).contains("INBOX", "Lists/Entwürfe").doesNotContain("Lists/dev", "Gone")
                .as("a mailbox that was there keeps its own subscription").doesNotContain("Old");

        Path dovecot = maildir(dir.resolve("dovecot"));
        write(maildir(dovecot.resolve(".Work.Tern")).resolve("cur/1:2,"), "Subject: w\n\n", "2020-01-01T00:00:00Z");
        write(maildir(dovecot.resolve(".Hidden")).resolve("cur/1:2,"), "Subject: h\n\n", "2020-01-01T00:00:00Z");
        Files.writeString(dovecot.resolve("subscriptions"), "V\t2\n\nWork\tTern\n");
        new MailImport(services.mailboxes()).from(alice.id(), dovecot, "Imported", l -> { });
        assertThat(subscribed()).as("the top folder is INBOX, which clients always show")
                .contains("Imported", "Imported/Work/Tern").doesNotContain("Imported/Hidden");
    }

    @Test
    void anImportRunAgainAddsOnlyWhatIsNewAndKeepsTheSourcesOwnCopies() throws IOException {
        Path root = maildir(dir.resolve("Maildir"));
        write(root.resolve("cur/1:2,S"), "Subject: kept\n\nSame\n", "2020-01-01T00:00:00Z");
        write(root.resolve("cur/2:2,S"), "Subject: kept\n\nSame\n", "2020-01-01T00:00:01Z");
        write(root.resolve("cur/3:2,"), "Subject: other\n\nSame\n", "2020-01-01T00:00:02Z");
        MailImport importer = new MailImport(services.mailboxes());
        List<String> lines = new java.util.ArrayList<>();
        assertThat(importer.from(alice.id(), root, null, lines::add).total()).isEqualTo(3);
        long uidOfSecondCopy = messages("INBOX").get(1).uid();

        write(root.resolve("new/4"), "Subject: arrived since\n\nSame\n", "2020-01-02T00:00:00Z");
        write(root.resolve("cur/5:2,"), "Subject: kept\n\nSame\n", "2020-01-02T00:00:01Z");
        services.mailboxes().messageService().remove(services.mailboxes().mailbox(alice.id(), "INBOX").orElseThrow().id(),
                List.of(uidOfSecondCopy));
        MailImport.Result again = importer.from(alice.id(), root, null, lines::add);
        assertThat(again.present()).as("the first copy and the other message").isEqualTo(2);
        assertThat(again.total()).as("the new message, the copy deleted here, and the third copy").isEqualTo(3);
        assertThat(contents("INBOX")).containsExactlyInAnyOrder(
                "Subject: kept\r\n\r\nSame\r\n", "Subject: kept\r\n\r\nSame\r\n", "Subject: kept\r\n\r\nSame\r\n",
                "Subject: other\r\n\r\nSame\r\n", "Subject: arrived since\r\n\r\nSame\r\n");
        assertThat(lines).containsExactly("INBOX: 3 message(s)", "INBOX: 3 message(s), 2 already there");

        Path mbox = write(dir.resolve("saved.mbox"), "From a@example.org Tue Nov 14 22:13:20 2023\nSubject: one\n\n1\n\n"
                + "From a@example.org Tue Nov 14 22:13:21 2023\nSubject: two\n\n2\n", "2024-01-01T00:00:00Z");
        assertThat(importer.from(alice.id(), mbox, "Saved", l -> { }).total()).isEqualTo(2);
        Files.writeString(mbox, "\nFrom a@example.org Tue Nov 14 22:13:22 2023\nSubject: three\n\n3\n",
                java.nio.file.StandardOpenOption.APPEND);
        MailImport.Result mboxAgain = importer.from(alice.id(), mbox, "Saved", l -> { });
        assertThat(mboxAgain.total()).isEqualTo(1);
        assertThat(mboxAgain.present()).isEqualTo(2);
        assertThat(contents("Saved")).containsExactly("Subject: one\r\n\r\n1\r\n",
                "Subject: two\r\n\r\n2\r\n", "Subject: three\r\n\r\n3\r\n");
    }

    @Test
    void anMboxIsSplitAtItsFromLinesWithFlagsDatesAndQuotingUndone() throws IOException {
        Path mbox = write(dir.resolve("saved.mbox"), ""
                + "From alice@example.org Tue Nov 14 22:13:20 2023\n"
                + "Subject: one\nStatus: RO\nX-Status: AF\nX-Keywords: Work $Label2\nX-UID: 7\n"
                + "Content-Length: 99\n\n"
                + "Hello\n>From the start\n>>From deeper\nFrom inside a paragraph is no separator\n\n"
                + "From MAILER-DAEMON Wed Nov 15 08:00:00 2023\n"
                + "Subject: two\nX-Mozilla-Status: 1003\nX-Mozilla-Status2: 00000000\n\n"
                + "Second\n\n"
                + "From someone  Thu Nov 16 09:30 2023\n"
                + "Subject: three\n\nno final newline", "2024-01-01T00:00:00Z");

        MailImport.Result r = new MailImport(services.mailboxes()).from(alice.id(), mbox, "Archive/2023", line -> { });
        assertThat(r.messages()).containsExactly(java.util.Map.entry("Archive/2023", 3));
        List<Rows.Message> ms = messages("Archive/2023");
        assertThat(content(ms.get(0))).isEqualTo("Subject: one\r\n\r\nHello\r\nFrom the start\r\n>From deeper\r\n"
                + "From inside a paragraph is no separator\r\n");
        assertThat(flags(ms.get(0))).containsExactlyInAnyOrder("\\Seen", "\\Answered", "\\Flagged", "Work", "$Label2");
        assertThat(ms.get(0).internalDate()).isEqualTo(Instant.parse("2023-11-14T22:13:20Z"));
        assertThat(content(ms.get(1))).isEqualTo("Subject: two\r\n\r\nSecond\r\n");
        assertThat(flags(ms.get(1))).containsExactlyInAnyOrder("\\Seen", "\\Answered", "$Forwarded");
        assertThat(content(ms.get(2))).isEqualTo("Subject: three\r\n\r\nno final newline\r\n");
        assertThat(ms.get(2).internalDate()).isEqualTo(Instant.parse("2023-11-16T09:30:00Z"));
    }

    @Test
    void aContentLengthThatFitsSaysWhereTheBodyEndsAndOneThatDoesNotIsIgnored() throws IOException {
        String counted = "From the first line\n>From kept as written\n\nFrom after a blank\n";
        Path mbox = write(dir.resolve("dovecot.mbox"), ""
                + "From a@example.org Tue Nov 14 22:13:20 2023\n"
                + "Subject: counted\nContent-Length: " + counted.length() + "\n\n" + counted + "\n"
                + "From b@example.org Tue Nov 14 22:13:21 2023\n"
                + "Subject: miscounted\nContent-Length: 3\n\nBody\n\n"
                + "From c@example.org Tue Nov 14 22:13:22 2023\n"
                + "Subject: too long\nContent-Length: 5000\n\n>From quoted\n\n"
                + "From d@example.org Tue Nov 14 22:13:23 2023\n"
                + "Subject: last\n\nEnd\n", "2024-01-01T00:00:00Z");
        MailImport.Result r = new MailImport(services.mailboxes()).from(alice.id(), mbox, null, line -> { });
        assertThat(r.total()).isEqualTo(4);
        List<Rows.Message> ms = messages("INBOX");
        assertThat(content(ms.get(0))).isEqualTo("Subject: counted\r\n\r\nFrom the first line\r\n"
                + ">From kept as written\r\n\r\nFrom after a blank\r\n");
        assertThat(content(ms.get(1))).isEqualTo("Subject: miscounted\r\n\r\nBody\r\n");
        assertThat(content(ms.get(2))).isEqualTo("Subject: too long\r\n\r\nFrom quoted\r\n");
        assertThat(content(ms.get(3))).isEqualTo("Subject: last\r\n\r\nEnd\r\n");
    }

    @Test
    void bareLineFeedsBecomeCrlfAndEverythingElseStays() throws IOException {
        byte[] in = "a\nb\r\nc\rd\n\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        try (CrlfInputStream crlf = new CrlfInputStream(new java.io.ByteArrayInputStream(in))) {
            byte[] out = crlf.readAllBytes();
            assertThat(new String(out, StandardCharsets.ISO_8859_1)).isEqualTo("a\r\nb\r\nc\rd\r\n\r\n\r\n");
            assertThat(crlf.count()).isEqualTo(out.length);
        }
    }

    @Test
    void whatIsNotMailIsRefusedWithTheReason() throws IOException {
        MailImport importer = new MailImport(services.mailboxes());
        Path text = write(dir.resolve("notes.txt"), "Dear diary\n", "2024-01-01T00:00:00Z");
        assertThatThrownBy(() -> importer.from(alice.id(), text, null, l -> { }))
                .hasMessageContaining("not an mbox file");
        Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> importer.from(alice.id(), dir.resolve("empty"), null, l -> { }))
                .hasMessageContaining("not a Maildir");
        assertThatThrownBy(() -> importer.from(alice.id(), dir.resolve("nowhere"), null, l -> { }))
                .hasMessageContaining("no such file");
        assertThat(messages("INBOX")).isEmpty();
    }

    @Test
    void theCommandImportsAndReportsWhatItDid() throws IOException {
        Path root = maildir(dir.resolve("Maildir"));
        write(root.resolve("cur/1:2,S"), "Subject: a\n\n", "2020-01-01T00:00:00Z");
        write(maildir(root.resolve(".Junk")).resolve("cur/2:2,"), "Subject: b\n\n", "2020-01-01T00:00:00Z");
        services.directory().setQuota("alice@example.test", 20L);
        Path config = services.config().source();
        services.close();

        InProcessCli.Result r = InProcessCli.run(config, null, "mailbox", "import", "alice@example.test", root.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("INBOX: 1 message(s)\nJunk: 1 message(s)\nimported 2 message(s), 28 B, into alice@example.test\n"
                + "note: alice@example.test now holds 28 B, over its quota of 20 B: new mail for it waits (452 Mailbox full) "
                + "until some is deleted\n");
        InProcessCli.Result again = InProcessCli.run(config, null, "mailbox", "import", "alice@example.test", root.toString());
        assertThat(again.out()).isEqualTo("INBOX: 0 message(s), 1 already there\nJunk: 0 message(s), 1 already there\n"
                + "imported 0 message(s), 0 B, into alice@example.test; 2 message(s) were there already\n"
                + "note: alice@example.test now holds 28 B, over its quota of 20 B: new mail for it waits (452 Mailbox full) "
                + "until some is deleted\n");
        InProcessCli.Result bad = InProcessCli.run(config, null, "mailbox", "import", "alice@example.test",
                dir.resolve("nowhere").toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).startsWith("tern: cannot import " + dir.resolve("nowhere") + ": ");
        assertThat(InProcessCli.run(config, null, "mailbox", "import", "bob@example.test", root.toString()).err())
                .contains("no such account: bob@example.test");
        InProcessCli.Result format = InProcessCli.run(config, null, "mailbox", "import", "alice@example.test",
                root.toString(), "--pop3-uidl-format", "%08Xm");
        assertThat(format.code()).isEqualTo(1);
        assertThat(format.err()).contains("%m cannot be known by an import");
        services = new Services(TestConfigs.write(dir.resolve("tern")), 2);
    }
}
