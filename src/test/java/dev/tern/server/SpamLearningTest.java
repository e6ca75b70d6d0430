package dev.tern.server;

import dev.tern.directory.Account;
import dev.tern.store.Rows;
import dev.tern.testing.Redis;
import dev.tern.testing.Rspamd;
import dev.tern.testing.RunningServer;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spam and ham learned from what IMAP users file into and out of Junk, end to end: Angus Mail
 * moves and copies messages in a Tern whose {@code [checks.rspamd]} names the controller of a real
 * rspamd, whose Bayes statistics (in a private Redis) show what it learned. The rspamd is shared,
 * so each test compares its counts with those before it, and its messages are its own (rspamd
 * refuses a message it learned before).
 */
class SpamLearningTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String BOB = "bob@tern.test";
    private static final String BOB_PASSWORD = "b";

    private static Redis redis;
    private static Rspamd rspamd;

    @TempDir
    Path dir;
    private RunningServer tern;
    private Store store;

    @BeforeAll
    static void startRspamd(@TempDir Path shared) throws IOException {
        redis = Redis.start(Files.createDirectories(shared.resolve("redis")));
        rspamd = Rspamd.start(Files.createDirectories(shared.resolve("rspamd")), redis);
    }

    @AfterAll
    static void stopRspamd() {
        if (rspamd != null) {
            rspamd.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (store != null) {
            store.close();
        }
        if (tern != null) {
            tern.close();
        }
    }

    /** A Tern with these {@code [checks.rspamd]} settings, an IMAP listener, and Bob logged in over it. */
    private void start(String rspamdSettings) throws Exception {
        tern = new RunningServer(dir, "[imap]\nallow_plaintext_auth = true\n\n[checks.rspamd]\nurl = \""
                + rspamd.url() + "\"\n" + rspamdSettings, "imap = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("tern.test");
        tern.services().directory().addUser(BOB, BOB_PASSWORD);
        Properties p = new Properties();
        p.put("mail.imap.connectiontimeout", "10000");
        p.put("mail.imap.timeout", "20000");
        store = Session.getInstance(p).getStore("imap");
        store.connect("127.0.0.1", tern.port("imap"), BOB, BOB_PASSWORD);
    }

    private void startLearning() throws Exception {
        start("controller_url = \"" + rspamd.controllerUrl() + "\"\ncontroller_password = \""
                + Rspamd.CONTROLLER_PASSWORD + "\"\n");
    }

    /** Appends messages of their own words (which teaches nothing) and returns the mailbox, open for writing. */
    private IMAPFolder withMessages(String mailbox, String... subjects) throws Exception {
        IMAPFolder folder = (IMAPFolder) store.getFolder(mailbox);
        Session session = Session.getInstance(new Properties());
        Message[] messages = new Message[subjects.length];
        for (int i = 0; i < subjects.length; i++) {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress("alice@sender.test"));
            m.setRecipients(Message.RecipientType.TO, BOB);
            m.setSubject(subjects[i]);
            m.setText(Rspamd.learnableBody(UUID.randomUUID().toString()), "US-ASCII");
            messages[i] = m;
        }
        folder.appendUIDMessages(messages);
        folder.open(Folder.READ_WRITE);
        assertThat(folder.getMessageCount()).isEqualTo(subjects.length);
        return folder;
    }

    private Folder folder(String name) throws Exception {
        return store.getFolder(name);
    }

    /** The messages of a mailbox, as the store has them. */
    private List<Rows.Message> box(String name) {
        Account a = tern.services().directory().user(BOB).orElseThrow();
        Rows.Mailbox box = tern.services().mailboxes().mailboxes(a.id()).stream()
                .filter(b -> b.name().equals(name)).findFirst().orElseThrow();
        return tern.services().mailboxes().messages(box.id());
    }

    private String metrics() {
        return tern.server().metrics().scrape();
    }

    /** The tern_spam_learned_total count of a class and result, 0 while there is none. */
    private double learnedMetric(String lesson, String result) {
        Matcher m = Pattern.compile("(?m)^tern_spam_learned_total\\{([^}]*)} (\\S+)$").matcher(metrics());
        while (m.find()) {
            if (m.group(1).contains("class=\"" + lesson + "\"") && m.group(1).contains("result=\"" + result + "\"")) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    /** rspamd's counts before a test's filing, to compare with after. */
    private record Learned(long spam, long ham, long total) {
    }

    private static Learned learned() {
        return new Learned(rspamd.learnedSpam(), rspamd.learnedHam(), rspamd.learnedTotal());
    }

    private static void awaitLearnedSpam(long expected) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(rspamd.learnedSpam())
                .as(() -> "messages rspamd learned as spam; " + why()).isEqualTo(expected));
    }

    private static void awaitLearnedHam(long expected) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(rspamd.learnedHam())
                .as(() -> "messages rspamd learned as ham; " + why()).isEqualTo(expected));
    }

    private void awaitMetric(String lesson, String result, double expected) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(learnedMetric(lesson, result))
                .as(() -> "tern_spam_learned_total " + lesson + " " + result + " in\n" + metrics() + "\n" + why())
                .isEqualTo(expected));
    }

    private static String why() {
        return "rspamd log tail:\n" + tail(rspamd.log());
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    @Test
    void movingAMessageIntoJunkLearnsItAsSpam() throws Exception {
        startLearning();
        IMAPFolder inbox = withMessages("INBOX", "cheap watches", "minutes of Tuesday");
        Learned before = learned();

        inbox.moveMessages(new Message[]{inbox.getMessage(1)}, folder("Junk"));

        awaitLearnedSpam(before.spam() + 1);
        awaitMetric("spam", "learned", 1);
        assertThat(rspamd.learnedHam()).isEqualTo(before.ham());
        assertThat(rspamd.learnedTotal()).isEqualTo(before.total() + 1);
        assertThat(learnedMetric("spam", "error")).isZero();
        assertThat(learnedMetric("ham", "learned") + learnedMetric("ham", "error")).isZero();
        assertThat(tern.content(box("Junk").get(0))).contains("Subject: cheap watches");
        assertThat(box("INBOX")).hasSize(1);
    }

    @Test
    void copyingAMessageIntoJunkLearnsItAsSpamAndKeepsTheOriginal() throws Exception {
        startLearning();
        IMAPFolder inbox = withMessages("INBOX", "win a prize", "lunch on Friday");
        Learned before = learned();

        inbox.copyUIDMessages(new Message[]{inbox.getMessage(1)}, folder("Junk"));

        awaitLearnedSpam(before.spam() + 1);
        awaitMetric("spam", "learned", 1);
        assertThat(rspamd.learnedHam()).isEqualTo(before.ham());
        assertThat(box("INBOX")).hasSize(2);
        assertThat(box("Junk")).hasSize(1);
    }

    @Test
    void eachMessageOfOneMoveIsLearned() throws Exception {
        startLearning();
        IMAPFolder inbox = withMessages("INBOX", "pills", "loans", "the report");
        Learned before = learned();

        inbox.moveUIDMessages(new Message[]{inbox.getMessage(1), inbox.getMessage(2)}, folder("Junk"));

        awaitLearnedSpam(before.spam() + 2);
        awaitMetric("spam", "learned", 2);
        assertThat(rspamd.learnedHam()).isEqualTo(before.ham());
        assertThat(box("Junk")).hasSize(2);
    }

    @Test
    void movingAMessageOutOfJunkLearnsItAsHam() throws Exception {
        startLearning();
        IMAPFolder junk = withMessages("Junk", "your invoice", "newsletter");
        Learned before = learned();

        junk.moveMessages(new Message[]{junk.getMessage(1)}, folder("INBOX"));

        awaitLearnedHam(before.ham() + 1);
        awaitMetric("ham", "learned", 1);
        assertThat(rspamd.learnedSpam()).isEqualTo(before.spam());
        assertThat(learnedMetric("spam", "learned") + learnedMetric("spam", "error")).isZero();
        assertThat(tern.content(box("INBOX").get(0))).contains("Subject: your invoice");
    }

    @Test
    void junkMovedToTheTrashTeachesNothing() throws Exception {
        startLearning();
        IMAPFolder junk = withMessages("Junk", "deleted spam", "not spam after all");
        Learned before = learned();

        junk.moveMessages(new Message[]{junk.getMessage(1)}, folder("Trash"));
        // Learned as ham: once it is, a lesson from the earlier move would have been given too.
        junk.moveMessages(new Message[]{junk.getMessage(2)}, folder("Archive"));

        awaitLearnedHam(before.ham() + 1);
        awaitMetric("ham", "learned", 1);
        assertThat(rspamd.learnedHam()).isEqualTo(before.ham() + 1);
        assertThat(rspamd.learnedSpam()).isEqualTo(before.spam());
        assertThat(learnedMetric("ham", "error")).isZero();
        assertThat(tern.content(box("Trash").get(0))).contains("Subject: deleted spam");
        assertThat(tern.content(box("Archive").get(0))).contains("Subject: not spam after all");
    }

    @Test
    void filingBetweenOtherMailboxesTeachesNothing() throws Exception {
        startLearning();
        IMAPFolder inbox = withMessages("INBOX", "to keep", "to delete", "actual spam");
        Learned before = learned();

        inbox.moveMessages(new Message[]{inbox.getMessage(1)}, folder("Archive"));
        inbox.copyMessages(new Message[]{inbox.getMessage(2)}, folder("Trash"));
        // Learned as spam: once it is, a lesson from the earlier filings would have been given too.
        inbox.moveMessages(new Message[]{inbox.getMessage(3)}, folder("Junk"));

        awaitLearnedSpam(before.spam() + 1);
        awaitMetric("spam", "learned", 1);
        assertThat(rspamd.learnedSpam()).isEqualTo(before.spam() + 1);
        assertThat(rspamd.learnedHam()).isEqualTo(before.ham());
        assertThat(rspamd.learnedTotal()).isEqualTo(before.total() + 1);
        assertThat(learnedMetric("ham", "learned") + learnedMetric("ham", "error")).isZero();
        assertThat(box("Archive")).hasSize(1);
        assertThat(box("Trash")).hasSize(1);
    }

    @Test
    void aMessageRspamdLearnedAlreadyIsSkipped() throws Exception {
        startLearning();
        IMAPFolder inbox = withMessages("INBOX", "the same spam twice");
        Learned before = learned();

        inbox.copyMessages(new Message[]{inbox.getMessage(1)}, folder("Junk"));
        awaitMetric("spam", "learned", 1);
        // rspamd answers 208 with "has been already learned as spam".
        inbox.copyMessages(new Message[]{inbox.getMessage(1)}, folder("Junk"));

        awaitMetric("spam", "skipped", 1);
        assertThat(learnedMetric("spam", "learned")).isEqualTo(1);
        assertThat(learnedMetric("spam", "error")).isZero();
        assertThat(rspamd.learnedSpam()).isEqualTo(before.spam() + 1);
        assertThat(box("Junk")).hasSize(2);
    }

    @Test
    void aWrongControllerPasswordIsCountedAsAnError() throws Exception {
        start("controller_url = \"" + rspamd.controllerUrl() + "\"\ncontroller_password = \"not-the-password\"\n");
        IMAPFolder inbox = withMessages("INBOX", "refused lesson");
        Learned before = learned();

        inbox.moveMessages(new Message[]{inbox.getMessage(1)}, folder("Junk"));

        awaitMetric("spam", "error", 1);
        assertThat(learnedMetric("spam", "learned")).isZero();
        assertThat(rspamd.learnedSpam()).isEqualTo(before.spam());
        assertThat(rspamd.log()).contains("incorrect password");
        assertThat(box("Junk")).hasSize(1);
    }

    @Test
    void withoutAControllerNothingIsLearned() throws Exception {
        start("");
        IMAPFolder inbox = withMessages("INBOX", "unlearned spam");
        Learned before = learned();

        inbox.moveMessages(new Message[]{inbox.getMessage(1)}, folder("Junk"));
        // Another command after the move: its lesson, were there one, would have been handed over by now.
        assertThat(folder("Junk").getMessageCount()).isEqualTo(1);

        assertThat(box("Junk")).hasSize(1);
        assertThat(metrics()).doesNotContain("tern_spam_learned");
        assertThat(rspamd.learnedSpam()).isEqualTo(before.spam());
        assertThat(rspamd.learnedTotal()).isEqualTo(before.total());
    }
}
