package dev.tern.mailbox;

import dev.tern.config.RetentionSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Trash and Junk emptied of what was put there longer ago than [retention] says, and nothing else. */
class MailboxRetentionTest {

    @TempDir
    Path dir;
    MailboxFixture f;

    @BeforeEach
    void open() {
        f = new MailboxFixture(dir);
    }

    @AfterEach
    void close() {
        f.close();
    }

    private MailboxRetention retention(Duration trash, Duration junk, Instant now) {
        return new MailboxRetention(f.store, f.messages, new RetentionSettings(trash, junk), Clock.fixed(now, ZoneOffset.UTC));
    }

    private List<Long> uids(String mailbox) {
        return f.messages.messages(f.id(mailbox)).stream().map(MessageEntry::uid).toList();
    }

    @Test
    void messagesLeaveTrashAndJunkWhenTheirTimeThereIsOverCountedFromWhenTheyWerePutThere() {
        Instant twoYearsAgo = Instant.now().minus(Duration.ofDays(730));
        long old = f.messages.append(f.id("INBOX"), "Subject: old\r\n\r\nfrom long ago\r\n".getBytes(StandardCharsets.UTF_8),
                Flags.NONE, twoYearsAgo).uid();
        f.messages.move(f.id("INBOX"), List.of(old), f.id("Trash"));
        f.append("Junk", "Subject: spam\r\n\r\nbuy\r\n", Flags.NONE);
        f.append("Archive", "Subject: kept\r\n\r\nforever\r\n", Flags.NONE);
        f.append("INBOX", "Subject: inbox\r\n\r\nstays\r\n", Flags.NONE);
        List<String> trashContents = f.blobIds(f.id("Trash"));
        long usedBefore = f.mailboxes.usage(f.accountId);

        assertThat(retention(Duration.ofDays(30), Duration.ofDays(30), Instant.now()).sweep())
                .as("moved to Trash today, however old the message").isZero();
        assertThat(retention(Duration.ofDays(30), Duration.ofDays(30), Instant.now().plus(Duration.ofDays(29))).sweep())
                .isZero();

        Instant later = Instant.now().plus(Duration.ofDays(31));
        assertThat(retention(Duration.ZERO, Duration.ofDays(30), later).sweep()).as("Trash kept: only Junk").isEqualTo(1);
        assertThat(uids("Junk")).isEmpty();
        assertThat(uids("Trash")).hasSize(1);
        assertThat(retention(Duration.ofDays(30), Duration.ofDays(30), later).sweep()).isEqualTo(1);
        assertThat(uids("Trash")).isEmpty();
        assertThat(uids("Archive")).hasSize(1);
        assertThat(uids("INBOX")).hasSize(1);
        assertThat(f.contentsLeft(trashContents)).as("a content no message refers to is freed").isZero();
        assertThat(f.mailboxes.usage(f.accountId)).isLessThan(usedBefore);
        assertThat(retention(Duration.ofDays(30), Duration.ofDays(30), later).sweep()).as("nothing left to do").isZero();
    }

    @Test
    void manyMessagesGoInRounds() {
        f.appendMany("Trash", MailboxRetention.ROUND + 5, Flags.NONE);
        assertThat(retention(Duration.ofHours(1), Duration.ofHours(1), Instant.now().plus(Duration.ofHours(2))).sweep())
                .isEqualTo(MailboxRetention.ROUND + 5);
        assertThat(uids("Trash")).isEmpty();
    }
}
