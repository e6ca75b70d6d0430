package dev.tern.mailbox;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageServiceTest {

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

    private String read(MessageEntry m) throws Exception {
        try (InputStream in = f.messages.open(m)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private int blobRefs(String blobId) {
        return f.store.read(tx -> tx.blobs().refs(blobId));
    }

    @Test
    void concurrentAppendsTakeDistinctAscendingUids() throws Exception {
        long inbox = f.id("INBOX");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<AppendResult>> appends = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                String text = MailboxFixture.message(i);
                appends.add(CompletableFuture.supplyAsync(() -> f.messages.append(inbox,
                        text.getBytes(StandardCharsets.UTF_8), Flags.NONE, Instant.now()), pool));
            }
            List<Long> uids = appends.stream().map(CompletableFuture::join).map(AppendResult::uid).toList();
            assertThat(uids).doesNotHaveDuplicates().allMatch(u -> u >= 1 && u <= 80);
            List<MessageEntry> listed = f.messages.messages(inbox);
            assertThat(listed).extracting(MessageEntry::uid).isSorted().hasSize(80);
            assertThat(listed).extracting(MessageEntry::modSeq).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void appendKeepsFlagsDateAndContentSmallOrLarge() throws Exception {
        Instant date = Instant.parse("2024-03-01T10:15:30Z");
        AppendResult small = f.messages.append(f.id("Drafts"), "Subject: hi\r\n\r\nyo\r\n".getBytes(StandardCharsets.UTF_8),
                Flags.of("\\Draft", "$Work"), date);
        byte[] big = new byte[300_000];
        Arrays.fill(big, (byte) 'x');
        AppendResult large = f.messages.append(f.id("Drafts"), new ByteArrayInputStream(big), Flags.NONE, date);
        assertThat(large.uid()).isEqualTo(small.uid() + 1);
        assertThat(small.uidValidity()).isEqualTo(f.mailboxes.status(f.id("Drafts")).uidValidity());
        MessageEntry m = f.messages.message(f.id("Drafts"), small.uid()).orElseThrow();
        assertThat(m.flags().names()).containsExactly("\\Draft", "$Work");
        assertThat(m.internalDate()).isEqualTo(date);
        assertThat(read(m)).isEqualTo("Subject: hi\r\n\r\nyo\r\n");
        assertThat(m.size()).isEqualTo(19);
        MessageEntry l = f.messages.message(f.id("Drafts"), large.uid()).orElseThrow();
        assertThat(read(l)).hasSize(300_000);
        assertThat(l.size()).isEqualTo(300_000);
    }

    @Test
    void everyFlagChangeTakesAHigherModseqAndUnchangedSinceReportsModified() {
        long inbox = f.id("INBOX");
        AppendResult a = f.append("INBOX", MailboxFixture.message(1), Flags.NONE);
        AppendResult b = f.append("INBOX", MailboxFixture.message(2), Flags.NONE);
        long before = f.mailboxes.status(inbox).highestModSeq();

        FlagStoreResult seen = f.messages.storeFlags(inbox, List.of(a.uid(), b.uid()), FlagOperation.ADD,
                Flags.of("\\Seen"), -1);
        assertThat(seen.changed()).hasSize(2).allMatch(c -> c.modSeq() == before + 1);
        FlagStoreResult again = f.messages.storeFlags(inbox, List.of(a.uid()), FlagOperation.ADD, Flags.of("\\Seen"), -1);
        assertThat(again.changed()).as("no change, no new modseq").isEmpty();
        FlagStoreResult flagged = f.messages.storeFlags(inbox, List.of(a.uid()), FlagOperation.REPLACE,
                Flags.of("\\Flagged", "Todo"), -1);
        assertThat(flagged.changed()).singleElement().satisfies(c -> {
            assertThat(c.modSeq()).isEqualTo(before + 2);
            assertThat(c.flags().names()).containsExactly("\\Flagged", "Todo");
        });
        FlagStoreResult removed = f.messages.storeFlags(inbox, List.of(a.uid()), FlagOperation.REMOVE,
                Flags.of("todo"), -1);
        assertThat(removed.changed().get(0).flags().names()).containsExactly("\\Flagged");

        // b was last changed at before + 1; a at before + 3
        FlagStoreResult conditional = f.messages.storeFlags(inbox, List.of(a.uid(), b.uid()), FlagOperation.ADD,
                Flags.of("\\Answered"), before + 1);
        assertThat(conditional.modified()).containsExactly(a.uid());
        assertThat(conditional.changed()).extracting(MailboxEvents.FlagChange::uid).containsExactly(b.uid());
        assertThat(f.messages.changedSince(inbox, before + 3)).extracting(MessageEntry::uid).containsExactly(b.uid());
        assertThat(f.mailboxes.status(inbox).highestModSeq()).isEqualTo(before + 4);
    }

    @Test
    void expungeRemovesDeletedMessagesRecordsThemAndReleasesBlobs() {
        long inbox = f.id("INBOX");
        AppendResult a = f.append("INBOX", MailboxFixture.message(1), Flags.of(SystemFlag.DELETED));
        AppendResult b = f.append("INBOX", MailboxFixture.message(2), Flags.NONE);
        AppendResult c = f.append("INBOX", MailboxFixture.message(3), Flags.of(SystemFlag.DELETED));
        String blobA = f.messages.message(inbox, a.uid()).orElseThrow().blobId();
        long before = f.mailboxes.status(inbox).highestModSeq();

        ExpungeResult some = f.messages.expungeDeleted(inbox, List.of(a.uid(), b.uid()));
        assertThat(some.uids()).containsExactly(a.uid());
        assertThat(blobRefs(blobA)).isZero();
        boolean stillThere = f.store.read(tx -> tx.blobs().exists(blobA));
        assertThat(stillThere).isFalse();
        ExpungeResult rest = f.messages.expungeDeleted(inbox);
        assertThat(rest.uids()).containsExactly(c.uid());
        assertThat(rest.modSeq()).isGreaterThan(some.modSeq());
        assertThat(f.messages.messages(inbox)).extracting(MessageEntry::uid).containsExactly(b.uid());
        assertThat(f.messages.expungedSince(inbox, before)).isEqualTo(new ExpungedUids(List.of(a.uid(), c.uid()), true));
        assertThat(f.messages.expungedSince(inbox, some.modSeq()).uids()).containsExactly(c.uid());
        assertThat(f.messages.expungeDeleted(inbox).uids()).isEmpty();
    }

    @Test
    void aLargeExpungeGoesInPiecesEachWithItsOwnModSeq() {
        int piece = MailboxService.MESSAGES_PER_TRANSACTION;
        long inbox = f.id("INBOX");
        List<AppendResult> deleted = f.appendMany("INBOX", 2 * piece + 200, Flags.of(SystemFlag.DELETED));
        AppendResult kept = f.append("INBOX", MailboxFixture.message(0), Flags.NONE);
        List<String> contents = f.blobIds(inbox);
        long before = f.mailboxes.status(inbox).highestModSeq();

        ExpungeResult result = f.messages.expungeDeleted(inbox);

        List<Long> uids = deleted.stream().map(AppendResult::uid).toList();
        assertThat(result.uids()).isEqualTo(uids);
        assertThat(f.messages.messages(inbox)).extracting(MessageEntry::uid).containsExactly(kept.uid());
        assertThat(f.contentsLeft(contents)).isEqualTo(1);
        assertThat(result.modSeq()).isEqualTo(f.mailboxes.status(inbox).highestModSeq());
        // Three transactions, three MODSEQs: since the second, only the last piece vanished.
        assertThat(f.messages.expungedSince(inbox, before).uids()).isEqualTo(uids);
        assertThat(f.messages.expungedSince(inbox, result.modSeq() - 1).uids())
                .isEqualTo(uids.subList(2 * piece, uids.size()));
        assertThat(result.modSeq()).isEqualTo(before + 3);
    }

    @Test
    void aStoreOnManyMessagesGoesInPiecesAndKeepsUnchangedSincePerMessage() {
        int piece = MailboxService.MESSAGES_PER_TRANSACTION;
        long inbox = f.id("INBOX");
        List<Long> uids = f.appendMany("INBOX", 2 * piece + 100, Flags.NONE).stream().map(AppendResult::uid).toList();
        long before = f.mailboxes.status(inbox).highestModSeq();

        FlagStoreResult seen = f.messages.storeFlags(inbox, uids, FlagOperation.ADD, Flags.of("\\Seen"), -1);

        assertThat(seen.changed()).extracting(MailboxEvents.FlagChange::uid).isEqualTo(uids);
        assertThat(seen.changed()).extracting(MailboxEvents.FlagChange::modSeq).containsOnly(before + 1, before + 2,
                before + 3);
        assertThat(f.mailboxes.status(inbox).highestModSeq()).isEqualTo(before + 3);
        assertThat(f.messages.flags(inbox)).allSatisfy(m -> assertThat(m.flags()).isEqualTo(Flags.of("\\Seen")));
        assertThat(f.messages.flags(inbox).stream().filter(m -> m.modSeq() == before + 3).count()).isEqualTo(100);

        // The last piece's messages changed after before + 2: reported, left alone.
        FlagStoreResult flagged = f.messages.storeFlags(inbox, uids, FlagOperation.ADD, Flags.of("\\Flagged"),
                before + 2);
        assertThat(flagged.modified()).isEqualTo(uids.subList(2 * piece, uids.size()));
        assertThat(flagged.changed()).extracting(MailboxEvents.FlagChange::uid).isEqualTo(uids.subList(0, 2 * piece));
    }

    @Test
    void aLargeRemovalOfMessagesWhateverTheirFlagsGoesInPiecesToo() {
        int piece = MailboxService.MESSAGES_PER_TRANSACTION;
        long inbox = f.id("INBOX");
        List<Long> uids = f.appendMany("INBOX", piece + 1, Flags.NONE).stream().map(AppendResult::uid).toList();
        long before = f.mailboxes.status(inbox).highestModSeq();

        ExpungeResult result = f.messages.remove(inbox, uids);

        assertThat(result.uids()).isEqualTo(uids);
        assertThat(result.modSeq()).isEqualTo(before + 2);
        assertThat(f.messages.messages(inbox)).isEmpty();
    }

    @Test
    void aMailboxDeletedBetweenTheExpungesPiecesEndsItWithWhatWasDone() {
        int piece = MailboxService.MESSAGES_PER_TRANSACTION;
        long archive = f.id("Archive");
        List<Long> uids = f.appendMany("Archive", piece + 10, Flags.of(SystemFlag.DELETED)).stream()
                .map(AppendResult::uid).toList();
        WriteCountingStore store = new WriteCountingStore(f.store);
        MessageService messages = new MailboxService(store, f.blobs).messageService();
        store.afterWrite(1, () -> f.mailboxes.delete(f.accountId, "Archive"));

        ExpungeResult result = messages.expungeDeleted(archive);

        assertThat(result.uids()).isEqualTo(uids.subList(0, piece));
        assertThat(store.writes()).isEqualTo(2);   // the second piece found the mailbox gone
        assertThat(f.mailboxes.mailbox(f.accountId, "Archive")).isEmpty();
    }

    @Test
    void aMailboxDeletedBetweenTheStoresPiecesEndsItWithWhatWasDone() {
        int piece = MailboxService.MESSAGES_PER_TRANSACTION;
        long archive = f.id("Archive");
        List<Long> uids = f.appendMany("Archive", 2 * piece + 10, Flags.NONE).stream()
                .map(AppendResult::uid).toList();
        WriteCountingStore store = new WriteCountingStore(f.store);
        MessageService messages = new MailboxService(store, f.blobs).messageService();
        store.afterWrite(1, () -> f.mailboxes.delete(f.accountId, "Archive"));

        FlagStoreResult result = messages.storeFlags(archive, uids, FlagOperation.ADD, Flags.of("\\Seen"), -1);

        assertThat(result.changed()).extracting(MailboxEvents.FlagChange::uid).isEqualTo(uids.subList(0, piece));
        assertThat(result.modified()).isEmpty();
        assertThat(store.writes()).isEqualTo(2);   // no third piece after the second found it gone
    }

    @Test
    void expungedUidsAreTrimmedToTheMostRecentAndOlderQuestionsSaySo() throws Exception {
        long inbox = f.id("INBOX");
        long start = f.mailboxes.status(inbox).highestModSeq();
        List<ExpungeResult> expunges = new java.util.ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            AppendResult m = f.append("INBOX", MailboxFixture.message(i), Flags.NONE);
            expunges.add(f.messages.remove(inbox, List.of(m.uid())));
        }
        assertThat(f.messages.trimExpunged(10)).isZero();
        assertThat(f.messages.expungedSince(inbox, start)).isEqualTo(new ExpungedUids(List.of(1L, 2L, 3L, 4L, 5L), true));

        assertThat(f.messages.trimExpunged(2)).isEqualTo(3);
        // Asked from before what is kept: what is left, marked incomplete.
        assertThat(f.messages.expungedSince(inbox, start)).isEqualTo(new ExpungedUids(List.of(4L, 5L), false));
        assertThat(f.messages.expungedSince(inbox, expunges.get(1).modSeq()).complete()).isFalse();
        // From the last dropped one on, the list is exact again.
        assertThat(f.messages.expungedSince(inbox, expunges.get(2).modSeq())).isEqualTo(new ExpungedUids(List.of(4L, 5L), true));
        assertThat(f.messages.expungedSince(inbox, expunges.get(3).modSeq())).isEqualTo(new ExpungedUids(List.of(5L), true));
        // Trimming again changes nothing, and a later, smaller trim only moves the mark forward.
        assertThat(f.messages.trimExpunged(2)).isZero();
        assertThat(f.messages.trimExpunged(1)).isEqualTo(1);
        assertThat(f.messages.expungedSince(inbox, expunges.get(2).modSeq()).complete()).isFalse();
        assertThat(f.messages.expungedSince(inbox, expunges.get(3).modSeq())).isEqualTo(new ExpungedUids(List.of(5L), true));
    }

    @Test
    void copySharesTheBlobAndMoveKeepsIt() throws Exception {
        long inbox = f.id("INBOX");
        long archive = f.id("Archive");
        long trash = f.id("Trash");
        AppendResult a = f.append("INBOX", MailboxFixture.message(1), Flags.of("\\Seen", "$Important"));
        AppendResult b = f.append("INBOX", MailboxFixture.message(2), Flags.NONE);
        String blobA = f.messages.message(inbox, a.uid()).orElseThrow().blobId();

        CopyResult copied = f.messages.copy(inbox, List.of(b.uid(), a.uid(), 999L), archive);
        assertThat(copied.sourceUids()).containsExactly(a.uid(), b.uid());
        assertThat(copied.targetUids()).containsExactly(1L, 2L);
        assertThat(copied.targetUidValidity()).isEqualTo(f.mailboxes.status(archive).uidValidity());
        assertThat(blobRefs(blobA)).isEqualTo(2);
        MessageEntry copy = f.messages.message(archive, 1).orElseThrow();
        assertThat(copy.flags()).isEqualTo(Flags.of("\\Seen", "$Important"));
        assertThat(copy.blobId()).isEqualTo(blobA);

        CopyResult moved = f.messages.move(inbox, List.of(a.uid()), trash);
        assertThat(moved.targetUids()).containsExactly(1L);
        assertThat(f.messages.messages(inbox)).extracting(MessageEntry::uid).containsExactly(b.uid());
        assertThat(blobRefs(blobA)).isEqualTo(2);
        MessageEntry inTrash = f.messages.message(trash, 1).orElseThrow();
        assertThat(inTrash.blobId()).isEqualTo(blobA);
        assertThat(read(inTrash)).isEqualTo(MailboxFixture.message(1));
        assertThatThrownBy(() -> f.messages.move(trash, List.of(1L), trash)).isInstanceOf(MailboxException.class);
    }

    @Test
    void listenersHearOfChangesAfterCommit() {
        long inbox = f.id("INBOX");
        List<Object> heard = new CopyOnWriteArrayList<>();
        List<Object> elsewhere = new CopyOnWriteArrayList<>();
        MailboxEvents.Listener recorder = new MailboxEvents.Listener() {
            @Override
            public void added(MailboxEvents.NewMessage e) {
                heard.add(e);
            }

            @Override
            public void flagsChanged(MailboxEvents.FlagsChanged e) {
                heard.add(e);
            }

            @Override
            public void expunged(MailboxEvents.Expunged e) {
                heard.add(e);
            }
        };
        var registration = f.mailboxes.events().listen(inbox, recorder);
        f.mailboxes.events().listen(f.id("Sent"), new MailboxEvents.Listener() {
            @Override
            public void added(MailboxEvents.NewMessage e) {
                elsewhere.add(e);
            }
        });
        AppendResult a = f.append("INBOX", MailboxFixture.message(1), Flags.NONE);
        f.messages.storeFlags(inbox, List.of(a.uid()), FlagOperation.ADD, Flags.of("\\Deleted"), -1);
        ExpungeResult x = f.messages.expungeDeleted(inbox);
        assertThat(heard).containsExactly(
                new MailboxEvents.NewMessage(f.accountId, inbox, a.uid(), a.modSeq()),
                new MailboxEvents.FlagsChanged(f.accountId, inbox, List.of(
                        new MailboxEvents.FlagChange(a.uid(), Flags.of("\\Deleted"), a.modSeq() + 1))),
                new MailboxEvents.Expunged(f.accountId, inbox, List.of(a.uid()), x.modSeq()));
        assertThat(elsewhere).isEmpty();
        registration.close();
        f.append("INBOX", MailboxFixture.message(2), Flags.NONE);
        assertThat(heard).hasSize(3);
    }

    @Test
    void structureIsKeptPerBlob() {
        long inbox = f.id("INBOX");
        AppendResult a = f.append("INBOX", MailboxFixture.message(1), Flags.NONE);
        CopyResult c = f.messages.copy(inbox, List.of(a.uid()), f.id("Archive"));
        MessageEntry original = f.messages.message(inbox, a.uid()).orElseThrow();
        assertThat(f.messages.structure(original.blobId())).isEmpty();
        f.messages.saveStructure(original.blobId(), "{\"type\":\"text/plain\"}");
        MessageEntry copy = f.messages.message(f.id("Archive"), c.targetUids().get(0)).orElseThrow();
        // Kept without the caller waiting for the commit.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> f.messages.structure(copy.blobId()).isPresent());
        assertThat(f.messages.structure(copy.blobId())).contains("{\"type\":\"text/plain\"}");
        assertThat(copy.prefixLength()).isZero();
    }

    @Test
    void aGoneMailboxIsNonexistent() {
        long lists = f.mailboxes.create(f.accountId, "Lists", null).id();
        f.mailboxes.delete(f.accountId, "Lists");
        assertThatThrownBy(() -> f.messages.append(lists, new byte[]{'x'}, Flags.NONE, Instant.now()))
                .isInstanceOfSatisfying(MailboxException.class,
                        e -> assertThat(e.reason()).isEqualTo(MailboxException.Reason.NONEXISTENT));
    }

    private MessageUpload upload(String text) throws Exception {
        MessageUpload u = f.messages.newUpload();
        u.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        return u;
    }

    @Test
    void severalStreamedMessagesAreAppendedTogetherWithConsecutiveUids() throws Exception {
        long inbox = f.id("INBOX");
        String big = "Subject: big\r\n\r\n" + "x".repeat(300 * 1024) + "\r\n";
        List<AppendResult> results = f.messages.appendAll(inbox, List.of(
                new MessageService.Appended(upload(MailboxFixture.message(1)), Flags.NONE, Instant.now()),
                new MessageService.Appended(upload(big), Flags.NONE, Instant.now())));
        assertThat(results).extracting(AppendResult::uid).containsExactly(1L, 2L);
        List<MessageEntry> stored = f.messages.messages(inbox);
        assertThat(read(stored.get(1))).isEqualTo(big);
    }

    @Test
    void whenTheirTransactionFailsNoneOfSeveralMessagesIsLeft() throws Exception {
        long inbox = f.id("INBOX");
        f.mailboxes.create(f.accountId, "Gone", null);
        long gone = f.id("Gone");
        f.mailboxes.delete(f.accountId, "Gone");
        String big = "Subject: big\r\n\r\n" + "x".repeat(300 * 1024) + "\r\n";
        assertThatThrownBy(() -> f.messages.appendAll(gone, List.of(
                new MessageService.Appended(upload(big), Flags.NONE, Instant.now()),
                new MessageService.Appended(upload(MailboxFixture.message(2)), Flags.NONE, Instant.now()))))
                .isInstanceOf(MailboxException.class);
        // The large content had been made durable as a file: it is removed again.
        assertThat(f.blobs.listOlderThan(Long.MAX_VALUE)).isEmpty();
        assertThat(f.messages.messages(inbox)).isEmpty();
    }

    @Test
    void whenOneOfSeveralContentsCannotBeKeptNoneIsAppended() throws Exception {
        long inbox = f.id("INBOX");
        String big = "Subject: big\r\n\r\n" + "x".repeat(300 * 1024) + "\r\n";
        MessageUpload broken = upload(big);
        broken.abort();     // its spool is gone, as after a failed disk write
        assertThatThrownBy(() -> f.messages.appendAll(inbox, List.of(
                new MessageService.Appended(upload(MailboxFixture.message(1)), Flags.NONE, Instant.now()),
                new MessageService.Appended(broken, Flags.NONE, Instant.now()),
                new MessageService.Appended(upload(big), Flags.NONE, Instant.now()))))
                .isInstanceOf(Exception.class);
        assertThat(f.messages.messages(inbox)).isEmpty();
        assertThat(f.blobs.listOlderThan(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void headerSectionsFromAUidOnAreThoseOfThatMessageAndTheLaterOnes() throws Exception {
        long inbox = f.id("INBOX");
        List<Long> uids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            uids.add(f.append("INBOX", "Subject: s" + i + "\r\nFrom: a@example.test\r\n\r\nbody " + i + "\r\n",
                    Flags.NONE).uid());
        }
        assertThat(f.messages.headerSections(inbox, 1)).hasSize(4);
        java.util.Map<Long, byte[]> later = f.messages.headerSections(inbox, uids.get(2));
        assertThat(later.keySet()).containsExactlyInAnyOrder(uids.get(2), uids.get(3));
        assertThat(new String(later.get(uids.get(3)), StandardCharsets.UTF_8))
                .isEqualTo("Subject: s3\r\nFrom: a@example.test\r\n\r\n");
        assertThat(f.messages.headerSections(inbox, uids.get(3) + 1)).isEmpty();
    }
}
