package dev.tern.server;

import dev.tern.directory.Account;
import dev.tern.mailbox.SystemFlag;
import dev.tern.store.Rows;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.RunningServer;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Accounts' Sieve scripts at local delivery, end to end: messages sent with Angus Mail over SMTP,
 * scripts stored with the command line, the results read from the mailboxes.
 */
class SieveDeliveryTest {

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void setUp() {
        tern = new RunningServer(dir, "[imap]\nallow_plaintext_auth = true\n", "imap = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        for (String user : List.of("anna", "bob", "carl", "dora")) {
            tern.services().directory().addUser(user + "@example.test", user + "-pw");
        }
    }

    @AfterEach
    void tearDown() {
        tern.close();
    }

    private void script(String address, String script) throws Exception {
        Path file = dir.resolve("script-" + address + ".sieve");
        Files.writeString(file, script, StandardCharsets.UTF_8);
        InProcessCli.Result r = InProcessCli.run(dir.resolve("tern.toml"), null, "sieve", "put", address, "main",
                file.toString(), "--activate");
        assertThat(r.code()).as(r.err()).isZero();
    }

    private void send(String from, String to, String subject, String... headers) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(tern.smtpPort()));
        p.put("mail.smtp.localhost", "client.example");
        p.put("mail.smtp.timeout", "20000");
        MimeMessage m = new MimeMessage(Session.getInstance(p)) {
            @Override
            protected void updateMessageID() throws jakarta.mail.MessagingException {
                if (getHeader("Message-ID") == null) {   // one the test gives stays
                    super.updateMessageID();
                }
            }
        };
        m.setFrom(new InternetAddress(from));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject, "UTF-8");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            m.setHeader(headers[i], headers[i + 1]);
        }
        m.setText("Hello.\n", "UTF-8");
        Transport.send(m, InternetAddress.parse(to.contains("@") ? to.split(",")[0] : to));
    }

    /** The messages of a mailbox, none when it does not exist. */
    private List<Rows.Message> box(String address, String name) {
        Account a = tern.services().directory().user(address).orElseThrow();
        return tern.services().mailboxes().mailboxes(a.id()).stream().filter(b -> b.name().equals(name)).findFirst()
                .map(b -> tern.services().mailboxes().messages(b.id())).orElse(List.of());
    }

    /** A mailbox's message count and unseen count, as its row keeps them (what STATUS answers). */
    private Rows.MailboxCounts counts(String address, String name) {
        Account a = tern.services().directory().user(address).orElseThrow();
        Rows.Mailbox box = tern.services().mailboxes().mailboxes(a.id()).stream()
                .filter(b -> b.name().equals(name)).findFirst().orElseThrow();
        return tern.services().mailboxes().counts(box.id());
    }

    private boolean hasMailbox(String address, String name) {
        Account a = tern.services().directory().user(address).orElseThrow();
        return tern.services().mailboxes().mailboxes(a.id()).stream().anyMatch(b -> b.name().equals(name));
    }

    /** The Message-ID field of the message with this subject among these. */
    private String messageId(List<Rows.Message> messages, String subject) {
        for (Rows.Message m : messages) {
            String content = tern.content(m);
            if (content.contains("Subject: " + subject + "\r\n")) {
                java.util.regex.Matcher id = java.util.regex.Pattern.compile("(?mi)^Message-ID: (<[^>]+>)").matcher(content);
                assertThat(id.find()).isTrue();
                return id.group(1);
            }
        }
        throw new AssertionError("no message with subject " + subject);
    }

    private void awaitQueueEmpty() {
        await().atMost(Duration.ofSeconds(20)).until(() -> tern.services().queue().list(10).isEmpty());
    }

    @Test
    void filesKeepsAndDiscardsAsTheScriptSays() throws Exception {
        script("anna@example.test", """
                require "fileinto";
                if header :contains "subject" "[friends]" {
                    fileinto "Friends";
                } elsif header :contains "subject" "lottery" {
                    discard;
                } elsif header :contains "subject" "report" {
                    keep;
                    fileinto "INBOX";   # the same mailbox as keep: one copy
                }
                """);
        send("jane@example.org", "anna@example.test", "[friends] picnic on Sunday");
        send("spam@example.org", "anna@example.test", "You won the lottery");
        send("boss@example.org", "anna@example.test", "Quarterly report");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("anna@example.test", "Friends").size() == 1
                && box("anna@example.test", "INBOX").size() == 1);
        awaitQueueEmpty();
        assertThat(tern.content(box("anna@example.test", "Friends").get(0))).contains("picnic");
        assertThat(tern.content(box("anna@example.test", "INBOX").get(0))).contains("Quarterly report");
        assertThat(box("anna@example.test", "INBOX")).hasSize(1);

        // Deactivated, the script no longer filters, and mail goes to INBOX again.
        InProcessCli.Result off = InProcessCli.run(dir.resolve("tern.toml"), null, "sieve", "deactivate", "anna@example.test");
        assertThat(off.code()).as(off.err()).isZero();
        send("jane@example.org", "anna@example.test", "[friends] after the picnic");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("anna@example.test", "INBOX").size() == 2);
        assertThat(box("anna@example.test", "Friends")).hasSize(1);
    }

    @Test
    void aVacationReplyGoesOncePerSenderAndNeverToListsOrAutomaticMail() throws Exception {
        script("anna@example.test", """
                require "vacation";
                vacation :days 7 :subject "Away until Monday" text:
                I am away until Monday.
                Anna
                .
                ;
                """);
        send("bob@example.test", "anna@example.test", "Lunch?");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("bob@example.test", "INBOX").size() == 1);
        send("bob@example.test", "anna@example.test", "Lunch, again?");
        send("carl@example.test", "anna@example.test", "From a list", "List-Id", "<friends.example.test>");
        send("carl@example.test", "anna@example.test", "Automatic", "Auto-Submitted", "auto-generated");
        send("dora@example.test", "anna@example.test", "Meeting");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("anna@example.test", "INBOX").size() == 5
                && box("dora@example.test", "INBOX").size() == 1);
        awaitQueueEmpty();

        assertThat(box("bob@example.test", "INBOX")).as("one reply per sender within the days").hasSize(1);
        String metrics = tern.server().metrics().scrape();
        assertThat(metrics).contains("tern_sieve_actions_total{action=\"vacation\"} 2.0")   // to bob and to dora
                .contains("tern_sieve_actions_total{action=\"keep\"} 5.0");
        assertThat(box("carl@example.test", "INBOX")).as("no reply to list or automatic mail").isEmpty();
        String reply = tern.content(box("bob@example.test", "INBOX").get(0));
        assertThat(reply).contains("Return-Path: <>")
                .contains("From: anna@example.test")
                .contains("To: <bob@example.test>")
                .contains("Subject: Away until Monday")
                .contains("In-Reply-To: " + messageId(box("anna@example.test", "INBOX"), "Lunch?"))
                .contains("Auto-Submitted: auto-replied")
                .contains("I am away until Monday.\r\nAnna");
        MimeMessage parsed = new MimeMessage(Session.getInstance(new Properties()),
                new java.io.ByteArrayInputStream(reply.getBytes(StandardCharsets.UTF_8)));
        assertThat(parsed.getContent().toString()).contains("I am away until Monday.");
    }

    /** vacation-seconds (RFC 6131): ":seconds 0" answers every message, each still by RFC 5230's rules. */
    @Test
    void aVacationWithZeroSecondsAnswersEveryMessage() throws Exception {
        script("anna@example.test", """
                require ["vacation-seconds", "variables"];
                if header :matches "subject" "*" { set "s" "${1}"; }
                vacation :seconds 0 :subject "Re: ${s}" "I answer at once.";
                """);
        send("bob@example.test", "anna@example.test", "First");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("bob@example.test", "INBOX").size() == 1);
        send("bob@example.test", "anna@example.test", "Second");
        send("carl@example.test", "anna@example.test", "Automatic", "Auto-Submitted", "auto-generated");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("bob@example.test", "INBOX").size() == 2
                && box("anna@example.test", "INBOX").size() == 3);
        awaitQueueEmpty();
        assertThat(box("bob@example.test", "INBOX").stream().map(m -> tern.content(m)))
                .anySatisfy(c -> assertThat(c).contains("Subject: Re: First"))
                .anySatisfy(c -> assertThat(c).contains("Subject: Re: Second"));
        assertThat(box("carl@example.test", "INBOX")).as("still no reply to automatic mail").isEmpty();
    }

    /** A script cannot make its replies come from someone else by naming them in :addresses. */
    @Test
    void aVacationReplyComesFromTheAccountUnlessFromIsItsOwn() throws Exception {
        script("anna@example.test", """
                require "vacation";
                vacation :addresses ["dora@example.test"] :from "Dora <dora@example.test>" "away";
                """);
        script("carl@example.test", """
                require "vacation";
                vacation :from "Carl Away <carl@example.test>" "away";
                """);
        send("bob@example.test", "anna@example.test", "To Anna");
        send("bob@example.test", "carl@example.test", "To Carl");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("bob@example.test", "INBOX").size() == 2);
        List<String> replies = box("bob@example.test", "INBOX").stream().map(tern::content).toList();
        assertThat(replies).anySatisfy(r -> assertThat(r).contains("From: anna@example.test\r\n"))
                .anySatisfy(r -> assertThat(r).contains("From: Carl Away <carl@example.test>\r\n"))
                .noneSatisfy(r -> assertThat(r).contains("dora@example.test"));
    }

    @Test
    void aRedirectSendsACopyOnAndALoopEndsInAMailbox() throws Exception {
        script("anna@example.test", "redirect \"carl@example.test\";");
        script("carl@example.test", "redirect \"anna@example.test\";");
        script("bob@example.test", "redirect \"dora@example.test\"; keep;");

        send("jane@example.org", "bob@example.test", "For Bob and Dora");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("dora@example.test", "INBOX").size() == 1
                && box("bob@example.test", "INBOX").size() == 1);
        String copy = tern.content(box("dora@example.test", "INBOX").get(0));
        // a copy that stays on this server keeps its sender: no SPF check awaits it
        assertThat(copy).contains("Return-Path: <jane@example.org>").contains("Delivered-To: bob@example.test")
                .contains("For Bob and Dora");

        send("jane@example.org", "anna@example.test", "Round and round");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("anna@example.test", "INBOX").size() == 1);
        awaitQueueEmpty();
        assertThat(box("carl@example.test", "INBOX")).isEmpty();
        String looped = tern.content(box("anna@example.test", "INBOX").get(0));
        assertThat(looped).contains("Delivered-To: carl@example.test").contains("Delivered-To: anna@example.test")
                .contains("Round and round");
    }

    @Test
    void aRedirectToAnotherDomainLeavesWithTheSenderRewrittenIntoTheAccountsDomain() throws Exception {
        script("bob@example.test", "redirect \"bob.elsewhere@remote.example\";");
        send("jane@example.org", "bob@example.test", "Away from here");
        // No route to remote.example in this test: the copy waits in the queue, where its envelope shows.
        await().atMost(Duration.ofSeconds(20)).until(() -> tern.services().queue().list(10).stream()
                .anyMatch(m -> m.recipients().stream().anyMatch(r -> r.address().equals("bob.elsewhere@remote.example"))));
        var copy = tern.services().queue().list(10).stream()
                .filter(m -> m.recipients().stream().anyMatch(r -> r.address().equals("bob.elsewhere@remote.example")))
                .findFirst().orElseThrow();
        assertThat(copy.message().sender()).matches("SRS0=[A-Z2-7]{8}=[A-Z2-7]{2}=example\\.org=jane@example\\.test");
        assertThat(box("bob@example.test", "INBOX")).isEmpty();
    }

    @Test
    void aRejectBouncesToTheSenderWithTheReason() throws Exception {
        script("dora@example.test", """
                require "reject";
                if address :is "from" "bob@example.test" { reject "Dora does not take mail from Bob."; }
                """);
        send("bob@example.test", "dora@example.test", "Hello Dora");
        send("carl@example.test", "dora@example.test", "Hello from Carl");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("bob@example.test", "INBOX").size() == 1
                && box("dora@example.test", "INBOX").size() == 1);
        assertThat(tern.content(box("dora@example.test", "INBOX").get(0))).contains("Hello from Carl");
        String bounce = tern.content(box("bob@example.test", "INBOX").get(0));
        assertThat(tern.server().metrics().scrape()).contains("tern_sieve_actions_total{action=\"reject\"} 1.0");
        assertThat(bounce).contains("Return-Path: <>").contains("rejected by the recipient's mail filter: Dora does not take mail")
                .contains("Status: 5.7.1").contains("Action: failed");
    }

    @Test
    void theCommandLineShowsRefusesAndDeletesScripts() throws Exception {
        Path bad = dir.resolve("bad.sieve");
        Files.writeString(bad, "require \"fileinto\";\nif header :contains \"subject\" \"x\" {\n  fileinto :create \"A\";\n}\n");
        // :create is known, but belongs to the extension "mailbox", which this script does not require
        InProcessCli.Result refused = InProcessCli.run(dir.resolve("tern.toml"), null, "sieve", "put",
                "anna@example.test", "bad", bad.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("line 3").contains(":create needs require \"mailbox\"");

        InProcessCli.Result viaStdin = InProcessCli.run(dir.resolve("tern.toml"), "keep;\n", "sieve", "put",
                "anna@example.test", "plain");
        assertThat(viaStdin.code()).as(viaStdin.err()).isZero();
        script("anna@example.test", "keep;\n");
        InProcessCli.Result list = InProcessCli.run(dir.resolve("tern.toml"), null, "sieve", "list", "anna@example.test");
        assertThat(list.out()).contains("main  (active)").contains("plain");
        assertThat(list.out().lines().filter(l -> l.contains("active")).count()).isEqualTo(1);
        InProcessCli.Result show = InProcessCli.run(dir.resolve("tern.toml"), null, "sieve", "show", "anna@example.test", "plain");
        assertThat(show.out()).isEqualTo("keep;\n");
        InProcessCli.Result delete = InProcessCli.run(dir.resolve("tern.toml"), null, "sieve", "delete", "anna@example.test", "main");
        assertThat(delete.out()).contains("no script filters the mail of anna@example.test now");
        InProcessCli.Result missing = InProcessCli.run(dir.resolve("tern.toml"), null, "sieve", "activate", "anna@example.test", "main");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no script named main");
        InProcessCli.Result nobody = InProcessCli.run(dir.resolve("tern.toml"), null, "sieve", "list", "nobody@example.test");
        assertThat(nobody.err()).contains("no such account");
    }

    @Test
    void copiesArriveWithTheFlagsTheScriptGaveThem() throws Exception {
        script("anna@example.test", """
                require ["fileinto", "imap4flags"];
                if header :contains "subject" "[list]" {
                    fileinto :flags "\\\\Seen" "Lists";
                } else {
                    addflag "$Important";
                }
                """);
        send("jane@example.org", "anna@example.test", "[list] weekly digest");
        send("boss@example.org", "anna@example.test", "Quarterly report");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("anna@example.test", "Lists").size() == 1
                && box("anna@example.test", "INBOX").size() == 1);
        awaitQueueEmpty();

        Rows.Message listed = box("anna@example.test", "Lists").get(0);
        assertThat(listed.systemFlags() & SystemFlag.SEEN.bit()).as("filed as seen").isNotZero();
        assertThat(counts("anna@example.test", "Lists").messages()).isEqualTo(1);
        assertThat(counts("anna@example.test", "Lists").unseen()).isZero();
        Rows.Message kept = box("anna@example.test", "INBOX").get(0);
        assertThat(kept.systemFlags()).as("the implicit keep: unseen, with the keyword the script added").isZero();
        assertThat(kept.keywords()).isEqualTo("$Important");
        assertThat(counts("anna@example.test", "INBOX").unseen()).isEqualTo(1);

        // as a mail client sees them over IMAP
        Properties p = new Properties();
        p.put("mail.imap.host", "127.0.0.1");
        p.put("mail.imap.port", String.valueOf(tern.port("imap")));
        p.put("mail.imap.timeout", "20000");
        Store store = Session.getInstance(p).getStore("imap");
        store.connect("anna@example.test", "anna-pw");
        try {
            assertThat(store.getFolder("Lists").getUnreadMessageCount()).as("STATUS UNSEEN").isZero();
            assertThat(store.getFolder("INBOX").getUnreadMessageCount()).isEqualTo(1);
            Folder lists = store.getFolder("Lists");
            lists.open(Folder.READ_ONLY);
            assertThat(lists.getMessage(1).isSet(Flags.Flag.SEEN)).isTrue();
            assertThat(lists.getMessage(1).getSubject()).isEqualTo("[list] weekly digest");
            lists.close(false);
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessage(1).isSet(Flags.Flag.SEEN)).isFalse();
            assertThat(inbox.getMessage(1).getFlags().getUserFlags()).containsExactly("$Important");
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void aRedirectWithCopyKeepsOneInTheInboxAndForwardsOne() throws Exception {
        script("anna@example.test", """
                require "copy";
                redirect :copy "carl@example.test";
                """);
        send("jane@example.org", "anna@example.test", "For Anna and Carl");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("anna@example.test", "INBOX").size() == 1
                && box("carl@example.test", "INBOX").size() == 1);
        awaitQueueEmpty();
        assertThat(tern.content(box("anna@example.test", "INBOX").get(0))).contains("For Anna and Carl");
        assertThat(tern.content(box("carl@example.test", "INBOX").get(0))).contains("Delivered-To: anna@example.test")
                .contains("For Anna and Carl");
        assertThat(box("anna@example.test", "INBOX")).hasSize(1);
    }

    @Test
    void fileintoCreateAndMailboxexistsFileWhereTheScriptSays() throws Exception {
        script("anna@example.test", """
                require ["fileinto", "mailbox"];
                if header :contains "subject" "project" {
                    fileinto :create "Projects/Tern";
                } elsif mailboxexists "Archive" {
                    if mailboxexists ["Archive", "Nowhere"] {
                        fileinto "Nowhere";
                    } else {
                        fileinto "Archive";
                    }
                }
                """);
        send("jane@example.org", "anna@example.test", "The project starts");
        send("jane@example.org", "anna@example.test", "Old news");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("anna@example.test", "Projects/Tern").size() == 1
                && box("anna@example.test", "Archive").size() == 1);
        awaitQueueEmpty();
        assertThat(tern.content(box("anna@example.test", "Projects/Tern").get(0))).contains("The project starts");
        assertThat(tern.content(box("anna@example.test", "Archive").get(0))).contains("Old news");
        assertThat(hasMailbox("anna@example.test", "Nowhere")).isFalse();
        assertThat(box("anna@example.test", "INBOX")).isEmpty();
    }

    @Test
    void aRelationalTestFilesByThePriorityAsANumber() throws Exception {
        script("anna@example.test", """
                require ["fileinto", "relational", "comparator-i;ascii-numeric"];
                if header :value "ge" :comparator "i;ascii-numeric" "x-priority" "3" {
                    fileinto "Low";
                }
                """);
        send("jane@example.org", "anna@example.test", "Whenever you like", "X-Priority", "5 (Lowest)");
        send("jane@example.org", "anna@example.test", "Urgent", "X-Priority", "1 (Highest)");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("anna@example.test", "Low").size() == 1
                && box("anna@example.test", "INBOX").size() == 1);
        awaitQueueEmpty();
        assertThat(tern.content(box("anna@example.test", "Low").get(0))).contains("Whenever you like");
        assertThat(tern.content(box("anna@example.test", "INBOX").get(0))).contains("Urgent");
    }

    @Test
    void plusAddressedMailIsFiledByItsDetail() throws Exception {
        script("anna@example.test", """
                require ["fileinto", "envelope", "subaddress"];
                if envelope :detail "to" "lists" {
                    fileinto "Lists";
                } elsif envelope :detail :matches "to" "*" {
                    fileinto "Other details";
                }
                """);
        send("jane@example.org", "anna+lists@example.test", "A list", "X-Any", "x");
        send("jane@example.org", "anna+shop@example.test", "A shop", "X-Any", "x");
        send("jane@example.org", "anna@example.test", "Plain", "X-Any", "x");
        await().atMost(Duration.ofSeconds(20)).until(() -> hasMailbox("anna@example.test", "Lists")
                && hasMailbox("anna@example.test", "Other details") && box("anna@example.test", "INBOX").size() == 1);
        awaitQueueEmpty();
        assertThat(tern.content(box("anna@example.test", "Lists").get(0))).contains("A list");
        assertThat(tern.content(box("anna@example.test", "Other details").get(0))).contains("A shop");
        assertThat(tern.content(box("anna@example.test", "INBOX").get(0))).contains("Plain");
    }

    @Test
    void aListSorterFilesEachListIntoAMailboxNamedFromItsListId() throws Exception {
        script("anna@example.test", """
                require ["fileinto", "mailbox", "variables", "imap4flags"];
                if header :matches "List-ID" "*<*.*>" {
                    set :lower "list" "${2}";
                    addflag "tags" "$List";
                    fileinto :create :flags "${tags}" "Lists/${list}";
                }
                """);
        send("jane@example.org", "anna@example.test", "Release", "List-ID", "Tern users <Tern-Users.lists.example.org>");
        send("jane@example.org", "anna@example.test", "Weekly", "List-ID", "<cooking.lists.example.net>");
        send("jane@example.org", "anna@example.test", "Plain", "X-Any", "x");
        await().atMost(Duration.ofSeconds(20)).until(() -> hasMailbox("anna@example.test", "Lists/tern-users")
                && hasMailbox("anna@example.test", "Lists/cooking") && box("anna@example.test", "INBOX").size() == 1);
        awaitQueueEmpty();
        Rows.Message release = box("anna@example.test", "Lists/tern-users").get(0);
        assertThat(tern.content(release)).contains("Subject: Release");
        assertThat(release.keywords()).isEqualTo("$List");
        assertThat(tern.content(box("anna@example.test", "Lists/cooking").get(0))).contains("Subject: Weekly");
        assertThat(tern.content(box("anna@example.test", "INBOX").get(0))).contains("Subject: Plain");
    }

    /** duplicate (RFC 7352): the second copy of a message, by its Message-ID, is dropped; the id is forgotten later. */
    @Test
    void aMessageThatArrivesTwiceIsFiledOnce() throws Exception {
        script("anna@example.test", """
                require ["duplicate", "fileinto"];
                if duplicate {
                    fileinto "Duplicates";
                }
                """);
        send("jane@example.org", "anna@example.test", "Minutes", "Message-ID", "<minutes-1@example.org>");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("anna@example.test", "INBOX").size() == 1);
        awaitQueueEmpty();
        // the same message again, as a list and a direct copy arrive, and another one
        send("list@example.org", "anna@example.test", "Minutes", "Message-ID", "<minutes-1@example.org>");
        send("jane@example.org", "anna@example.test", "Agenda", "Message-ID", "<agenda-1@example.org>");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("anna@example.test", "INBOX").size() == 2
                && box("anna@example.test", "Duplicates").size() == 1);
        awaitQueueEmpty();
        assertThat(tern.content(box("anna@example.test", "Duplicates").get(0))).contains("Subject: Minutes");
        // nothing expires yet; the hourly purge keeps what is still remembered
        int purged = tern.services().metadata().writeAndWait(tx -> tx.sieve().purgeDuplicates(java.time.Instant.now(), 100));
        assertThat(purged).isZero();
    }

    /** include (RFC 6609): the active script runs another of the account's and the operator's global one. */
    @Test
    void anActiveScriptIncludesAPersonalAndAGlobalScript() throws Exception {
        Path global = dir.resolve("data/sieve/global");
        Files.createDirectories(global);
        Files.writeString(global.resolve("spam.sieve"), """
                require ["fileinto"];
                if header :contains "x-spam-flag" "yes" { fileinto "Junk"; stop; }
                """);
        InProcessCli.Result lists = InProcessCli.run(dir.resolve("tern.toml"), """
                require ["include", "fileinto"];
                if not header :contains "subject" "[list]" { return; }
                fileinto "Lists";
                """, "sieve", "put", "anna@example.test", "lists");
        assertThat(lists.code()).as(lists.err()).isZero();
        script("anna@example.test", """
                require ["include"];
                include :global "spam";
                include :personal "lists";
                include :optional "not-written-yet";
                """);
        send("jane@example.org", "anna@example.test", "[list] digest", "X-Any", "x");
        send("spammer@example.org", "anna@example.test", "[list] cheap", "X-Spam-Flag", "YES");
        send("jane@example.org", "anna@example.test", "Plain", "X-Any", "x");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("anna@example.test", "Lists").size() == 1
                && box("anna@example.test", "Junk").size() == 1 && box("anna@example.test", "INBOX").size() == 1);
        awaitQueueEmpty();
        assertThat(tern.content(box("anna@example.test", "Lists").get(0))).contains("Subject: [list] digest");
        assertThat(tern.content(box("anna@example.test", "Junk").get(0))).contains("Subject: [list] cheap");
        assertThat(tern.content(box("anna@example.test", "INBOX").get(0))).contains("Subject: Plain");
    }

    /** special-use (RFC 8579): the junk mailbox found by its use after the user renamed it. */
    @Test
    void fileintoBySpecialUseFindsTheRenamedJunkMailbox() throws Exception {
        Account anna = tern.services().directory().user("anna@example.test").orElseThrow();
        tern.services().mailboxes().rename(anna.id(), "Junk", "Unerwünscht");
        script("anna@example.test", """
                require ["fileinto", "special-use"];
                if header :contains "subject" "cheap" { fileinto :specialuse "\\\\Junk" "Spam"; }
                """);
        send("spammer@example.org", "anna@example.test", "cheap pills");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("anna@example.test", "Unerwünscht").size() == 1);
        awaitQueueEmpty();
        assertThat(hasMailbox("anna@example.test", "Spam")).isFalse();
    }

    /** mailboxid (RFC 9042): a mailbox found by its MAILBOXID after it was renamed. */
    @Test
    void fileintoByMailboxIdFollowsARenamedMailbox() throws Exception {
        Account anna = tern.services().directory().user("anna@example.test").orElseThrow();
        Rows.Mailbox projects = tern.services().mailboxes().create(anna.id(), "Projects", null);
        String id = dev.tern.mailbox.MailboxIds.of(projects.id(), projects.uidValidity());
        script("anna@example.test", """
                require ["fileinto", "mailboxid"];
                if header :contains "subject" "tern" { fileinto :mailboxid "%s" "Projects"; }
                """.formatted(id));
        tern.services().mailboxes().rename(anna.id(), "Projects", "Work/Tern");
        send("jane@example.org", "anna@example.test", "tern release");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("anna@example.test", "Work/Tern").size() == 1);
        awaitQueueEmpty();
        assertThat(hasMailbox("anna@example.test", "Projects")).as("not made again under the old name").isFalse();
    }

    /** enotify (RFC 5435, mailto RFC 5436): a short mail to another address about each message, none about automatic mail. */
    @Test
    void aNotificationGoesToTheAddressTheScriptNames() throws Exception {
        script("anna@example.test", """
                require ["enotify", "variables", "environment"];
                if not environment :is "remote-ip" "127.0.0.1" { stop; }
                if header :matches "subject" "*" { set "s" "${1}"; }
                notify :message "Anna got: ${s}" "mailto:bob@example.test";
                """);
        send("jane@example.org", "anna@example.test", "Quarterly report");
        send("robot@example.org", "anna@example.test", "Build passed", "Auto-Submitted", "auto-generated");
        await().atMost(Duration.ofSeconds(20)).until(() -> box("anna@example.test", "INBOX").size() == 2
                && box("bob@example.test", "INBOX").size() == 1);
        awaitQueueEmpty();
        assertThat(box("bob@example.test", "INBOX")).as("none about automatic mail").hasSize(1);
        String note = tern.content(box("bob@example.test", "INBOX").get(0));
        assertThat(note).contains("Return-Path: <>").contains("From: anna@example.test")
                .contains("Subject: Anna got: Quarterly report").contains("Auto-Submitted: auto-notified");
        assertThat(tern.server().metrics().scrape()).contains("tern_sieve_actions_total{action=\"notify\"} 1.0");
    }
}
