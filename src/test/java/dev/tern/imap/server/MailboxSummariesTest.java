package dev.tern.imap.server;

import dev.tern.mailbox.FlagOperation;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MailboxEvents;
import dev.tern.mailbox.MailboxService;
import dev.tern.mailbox.MessageService;
import dev.tern.mailbox.SystemFlag;
import dev.tern.store.BlobStore;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MailboxSummariesTest {

    @TempDir
    Path dir;
    private MetadataStore store;
    private BlobStore blobs;
    private MessageService messages;
    private MailboxService mailboxes;
    private long inbox;
    private long archive;

    @BeforeEach
    void open() {
        store = EmbeddedStore.openMetadata(dir, 2);
        blobs = EmbeddedStore.openBlobs(dir);
        mailboxes = new MailboxService(store, blobs);
        messages = mailboxes.messageService();
        long accountId = store.writeAndWait(tx -> {
            long domainId = tx.directory().insertDomain("example.test", Instant.now()).id();
            Rows.Account a = tx.directory().insertAccount("u@example.test", "u@example.test", domainId, "h", Instant.now());
            MailboxService.createDefaultMailboxes(tx, a.id());
            return a.id();
        });
        inbox = mailboxes.mailbox(accountId, "INBOX").orElseThrow().id();
        archive = mailboxes.mailbox(accountId, "Archive").orElseThrow().id();
    }

    @AfterEach
    void close() {
        store.close();
        blobs.close();
    }

    private long append(long mailbox, int n) {
        return messages.append(mailbox, ("Subject: " + n + "\r\nMessage-ID: <" + n + "." + System.nanoTime()
                + "@example.test>\r\n\r\n" + "x".repeat(n) + "\r\n").getBytes(StandardCharsets.UTF_8), Flags.NONE,
                Instant.now()).uid();
    }

    @Test
    void aKeptCopyTakesArrivalsFlagChangesAndExpungesFromTheStoreAndNothingElse() {
        MailboxSummaries summaries = new MailboxSummaries(MailboxSummaries.DEFAULT_MAX_BYTES);
        for (int i = 1; i <= 5; i++) {
            append(inbox, i);
        }
        MailboxSummaries.Copy first = summaries.current(messages, inbox, 1);
        assertThat(first.uids()).containsExactly(1, 2, 3, 4, 5);
        assertThat(first.find(3).size()).isEqualTo(messages.message(inbox, 3).orElseThrow().size());
        assertThat(summaries.current(messages, inbox, 1)).isSameAs(first);   // nothing moved

        // Another session marks 2 seen, and 6 arrives: those two are read again, the others kept.
        messages.storeFlags(inbox, List.of(2L), FlagOperation.ADD, Flags.of(SystemFlag.SEEN), -1);
        append(inbox, 6);
        MailboxSummaries.Copy second = summaries.current(messages, inbox, 1);
        assertThat(second.uids()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(second.find(2).flags().has(SystemFlag.SEEN)).isTrue();
        assertThat(second.find(1)).isSameAs(first.find(1));
        assertThat(second.find(6).modSeq()).isGreaterThan(second.find(2).modSeq());
        assertThat(second.asOf()).isEqualTo(second.find(6).modSeq());

        // 3 and 5 are expunged: gone from the copy at once, the others still as they were.
        messages.remove(inbox, List.of(3L, 5L));
        MailboxSummaries.Copy third = summaries.current(messages, inbox, 1);
        assertThat(third.uids()).containsExactly(1, 2, 4, 6);
        assertThat(third.find(4)).isSameAs(first.find(4));
        assertThat(third.asOf()).isGreaterThan(second.asOf());
        assertThat(summaries.current(messages, inbox, 1)).isSameAs(third);
    }

    @Test
    void flagChangesAndExpungesThatFollowACopyAreTakenFromTheirEvents() {
        MailboxSummaries summaries = new MailboxSummaries(MailboxSummaries.DEFAULT_MAX_BYTES);
        summaries.listenTo(mailboxes.events());
        List<MailboxEvents.FlagsChanged> told = new java.util.ArrayList<>();
        mailboxes.events().listen(inbox, new MailboxEvents.Listener() {
            @Override
            public void flagsChanged(MailboxEvents.FlagsChanged event) {
                told.add(event);
            }
        });
        for (int i = 1; i <= 5; i++) {
            append(inbox, i);
        }
        MailboxSummaries.Copy first = summaries.current(messages, inbox, 1);

        messages.storeFlags(inbox, List.of(2L, 4L), FlagOperation.ADD, Flags.of(SystemFlag.SEEN), -1);
        messages.remove(inbox, List.of(5L));
        MailboxSummaries.Copy second = summaries.current(messages, inbox, 1);
        assertThat(second.uids()).containsExactly(1, 2, 3, 4);
        // The flags are the event's own, not read back from the store.
        assertThat(second.find(2).flags()).isSameAs(told.get(0).changes().get(0).flags());
        assertThat(second.find(2).flags().has(SystemFlag.SEEN)).isTrue();
        assertThat(second.find(1)).isSameAs(first.find(1));
        assertThat(second.asOf()).isEqualTo(first.asOf() + 2);

        // An arrival's event lacks its size and date: from it on, the store is read as before.
        append(inbox, 6);
        messages.storeFlags(inbox, List.of(6L), FlagOperation.ADD, Flags.of(SystemFlag.FLAGGED), -1);
        MailboxSummaries.Copy third = summaries.current(messages, inbox, 1);
        assertThat(third.uids()).containsExactly(1, 2, 3, 4, 6);
        assertThat(third.find(6).flags().has(SystemFlag.FLAGGED)).isTrue();
        assertThat(third.find(6).flags()).isNotSameAs(told.get(1).changes().get(0).flags());
        assertThat(third.find(6).size()).isEqualTo(messages.message(inbox, 6).orElseThrow().size());
    }

    /** Whatever mix of changes comes, a copy kept with the events' help is what a fresh read gives. */
    @Test
    void aCopyKeptWithTheEventsHelpIsAlwaysWhatTheStoreHolds() {
        MailboxSummaries summaries = new MailboxSummaries(MailboxSummaries.DEFAULT_MAX_BYTES);
        summaries.listenTo(mailboxes.events());
        java.util.Random random = new java.util.Random(11);
        for (int i = 1; i <= 30; i++) {
            append(inbox, i);
        }
        Flags[] operands = {Flags.of(SystemFlag.SEEN), Flags.of(SystemFlag.FLAGGED), Flags.fromStored(0, "$Work")};
        for (int round = 0; round < 150; round++) {
            // From the store, not the copy: asking the copy would take in the events at every round.
            List<Long> present = messages.summaries(inbox).stream().map(dev.tern.mailbox.MessageSummary::uid).toList();
            List<Long> some = present.stream().filter(u -> random.nextInt(3) == 0).toList();
            switch (random.nextInt(6)) {
                case 0 -> append(inbox, round);
                case 1 -> messages.remove(inbox, some);
                default -> messages.storeFlags(inbox, some.isEmpty() ? present : some,
                        random.nextBoolean() ? FlagOperation.ADD : FlagOperation.REMOVE,
                        operands[random.nextInt(operands.length)], -1);
            }
            if (random.nextInt(3) > 0) {
                continue;    // several changes before the next look
            }
            MailboxSummaries.Copy kept = summaries.current(messages, inbox, 1);
            MailboxSummaries.Copy fresh = new MailboxSummaries(MailboxSummaries.DEFAULT_MAX_BYTES)
                    .current(messages, inbox, 1);
            assertThat(kept.uids()).as("round %d", round).containsExactly(fresh.uids());
            for (long uid : fresh.uids()) {
                assertThat(kept.find(uid).flags()).as("round %d, uid %d", round, uid).isEqualTo(fresh.find(uid).flags());
                assertThat(kept.find(uid).modSeq()).as("round %d, uid %d", round, uid).isEqualTo(fresh.find(uid).modSeq());
                assertThat(kept.find(uid).size()).isEqualTo(fresh.find(uid).size());
            }
        }
    }

    @Test
    void aCopyOlderThanTheExpungesStillKnownIsReadAgainWhole() {
        MailboxSummaries summaries = new MailboxSummaries(MailboxSummaries.DEFAULT_MAX_BYTES);
        for (int i = 1; i <= 4; i++) {
            append(inbox, i);
        }
        MailboxSummaries.Copy first = summaries.current(messages, inbox, 1);
        messages.remove(inbox, List.of(2L));
        store.writeAndWait(tx -> tx.mailboxes().trimExpunged(inbox, 0));    // forgotten, as after many expunges
        MailboxSummaries.Copy again = summaries.current(messages, inbox, 1);
        assertThat(again.uids()).containsExactly(1, 3, 4);
        assertThat(again.find(1)).isNotSameAs(first.find(1));    // read again, not merged
    }

    @Test
    void copiesAreKeptPerMailboxAndUidValidityWithinTheirBound() {
        MailboxSummaries summaries = new MailboxSummaries(MailboxSummaries.DEFAULT_MAX_BYTES);
        append(inbox, 1);
        append(archive, 2);
        append(archive, 3);
        assertThat(summaries.current(messages, inbox, 1).uids()).containsExactly(1);
        assertThat(summaries.current(messages, archive, 1).uids()).containsExactly(1, 2);
        assertThat(summaries.current(messages, archive, 2).uids()).containsExactly(1, 2);
        assertThat(summaries.copyCount()).isEqualTo(3);

        // A copy larger than half the bound is answered but not kept.
        MailboxSummaries small = new MailboxSummaries(400);
        assertThat(small.current(messages, archive, 1).uids()).containsExactly(1, 2);
        assertThat(small.copyCount()).isZero();
    }

    @Test
    void findingInAscendingOrderAgreesWithABinarySearchWhateverIsAskedFor() {
        java.util.Random random = new java.util.Random(5);
        long[] uids = java.util.stream.LongStream.rangeClosed(1, 400).filter(u -> random.nextInt(3) > 0).toArray();
        dev.tern.mailbox.MessageSummary[] rows = new dev.tern.mailbox.MessageSummary[uids.length];
        for (int i = 0; i < uids.length; i++) {
            rows[i] = new dev.tern.mailbox.MessageSummary(uids[i], i, Instant.EPOCH, Flags.NONE, i, null);
        }
        MailboxSummaries.Copy copy = new MailboxSummaries.Copy(0, uids, rows);
        for (int round = 0; round < 50; round++) {
            int[] cursor = new int[1];
            long uid = 0;
            for (int i = 0; i < 200; i++) {
                // Mostly ascending, in small and large steps, now and then back.
                uid = random.nextInt(10) == 0 ? random.nextInt(420) : uid + 1 + (random.nextInt(5) == 0 ? random.nextInt(60) : 0);
                assertThat(copy.findFrom(cursor, uid)).as("uid %d", uid).isSameAs(copy.find(uid));
            }
        }
    }
}
