package dev.tern.mailbox;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Warnings as an account fills its quota: once per level passed, again only after falling below it. */
class QuotaWarningsTest {

    @TempDir
    Path dir;
    MailboxFixture f;
    QuotaWarnings warnings;

    @BeforeEach
    void open() {
        f = new MailboxFixture(dir);
        f.store.writeAndWait(tx -> tx.directory().setQuota(f.accountId, 100_000L));
        warnings = new QuotaWarnings(f.store, f.mailboxes, List.of(50, 90, 100), "mx.example.test", Clock.systemUTC());
    }

    @AfterEach
    void close() {
        warnings.close();
        f.close();
    }

    /** A message of about {@code bytes} octets into Archive. */
    private long fill(int bytes) {
        String text = "Subject: filler\r\n\r\n" + "x".repeat(bytes - 21) + "\r\n";
        return f.messages.append(f.id("Archive"), text.getBytes(StandardCharsets.UTF_8), Flags.NONE,
                java.time.Instant.now()).uid();
    }

    private List<String> inboxSubjects() throws IOException {
        List<String> out = new java.util.ArrayList<>();
        for (MessageEntry m : f.messages.messages(f.id("INBOX"))) {
            try (InputStream in = f.messages.open(m)) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                out.add(text.lines().filter(l -> l.startsWith("Subject: ")).findFirst().orElse(""));
            }
        }
        return out;
    }

    @Test
    void eachLevelIsWarnedOfOnceAsItIsPassedAndAgainAfterTheUsageFellBelowIt() throws IOException {
        // Each warning adds about 0.7 KB to what the account holds.
        long first = fill(40_000);
        assertThat(warnings.check(f.accountId)).as("40%").isZero();
        long second = fill(15_000);
        assertThat(warnings.check(f.accountId)).as("55%").isEqualTo(50);
        assertThat(warnings.check(f.accountId)).as("not twice").isZero();
        assertThat(inboxSubjects()).containsExactly("Subject: Your mailbox is 50% full");

        f.messages.remove(f.id("Archive"), List.of(second));
        assertThat(warnings.check(f.accountId)).as("fell below 50%: forgotten, nothing said").isZero();
        fill(50_000);
        assertThat(warnings.check(f.accountId)).as("past 50% again, then 90% at once").isEqualTo(90);
        fill(9_000);
        assertThat(warnings.check(f.accountId)).isEqualTo(100);
        assertThat(inboxSubjects()).containsExactly("Subject: Your mailbox is 50% full", "Subject: Your mailbox is 90% full",
                "Subject: Your mailbox is full");
        assertThat(new String(f.messages.open(f.messages.messages(f.id("INBOX")).get(2)).readAllBytes(), StandardCharsets.UTF_8))
                .contains("From: Mail System <postmaster@mx.example.test>", "To: <u@example.test>",
                        "Auto-Submitted: auto-generated", "New mail for you is not accepted now");
        assertThat(first).isPositive();
    }

    @Test
    void anotherNodeHearingOfTheSameChangeDoesNotWarnAgain() throws IOException {
        fill(95_000);
        try (QuotaWarnings otherNode = new QuotaWarnings(f.store, f.mailboxes, List.of(50, 90, 100), "mx2.example.test",
                Clock.systemUTC())) {
            assertThat(warnings.check(f.accountId)).isEqualTo(90);
            assertThat(otherNode.check(f.accountId)).isZero();
        }
        assertThat(inboxSubjects()).hasSize(1);
    }

    @Test
    void accountsWithoutAQuotaAreNeverWarned() throws IOException {
        f.store.writeAndWait(tx -> tx.directory().setQuota(f.accountId, null));
        fill(95_000);
        assertThat(warnings.check(f.accountId)).isZero();
        assertThat(inboxSubjects()).isEmpty();
    }

    @Test
    void changesAreHeardFromTheMailboxesOnceStarted() throws Exception {
        warnings.start();
        warnings.readAccountsWithQuota();
        fill(95_000);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> inboxSubjects().contains("Subject: Your mailbox is 90% full"));
    }
}
