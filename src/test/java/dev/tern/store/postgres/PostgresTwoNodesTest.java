package dev.tern.store.postgres;

import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two stores on one database, as two nodes sharing it: what the counters, leases and claims
 * promise must hold when both write at the same moment under PostgreSQL's READ COMMITTED.
 */
class PostgresTwoNodesTest {

    @RegisterExtension
    static final PostgresTestDatabase database = new PostgresTestDatabase();
    private MetadataStore a;
    private MetadataStore b;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);

    @BeforeEach
    void openNodes() throws Exception {
        a = database.open();
        b = database.open();
        database.truncateAll();
    }

    @AfterEach
    void closeNodes() throws Exception {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        a.close();
        b.close();
    }

    private Rows.Mailbox mailbox(String address, String name) {
        return a.writeAndWait(tx -> {
            long domain = tx.directory().domain("example.test")
                    .orElseGet(() -> tx.directory().insertDomain("example.test", Instant.now())).id();
            long account = tx.directory().account(address)
                    .orElseGet(() -> tx.directory().insertAccount(address, address, domain, "hash", Instant.now())).id();
            tx.blobs().insert("B-" + name, 10, 0);
            return tx.mailboxes().create(account, name, null, 1);
        });
    }

    @Test
    void appendsFromTwoNodesTakeUniqueConsecutiveUidsAndIncreasingModseqs() {
        Rows.Mailbox box = mailbox("alice@example.test", "INBOX");
        List<CompletableFuture<Rows.Message>> appends = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            MetadataStore node = i % 2 == 0 ? a : b;
            appends.add(node.write(tx -> tx.mailboxes().append(box.id(), "B-INBOX", "", 10, Instant.now(), 0, "")));
        }
        List<Rows.Message> made = appends.stream().map(CompletableFuture::join).toList();
        assertThat(made).extracting(Rows.Message::uid).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 200).mapToObj(i -> (long) i).toList());

        List<Rows.Message> stored = b.read(tx -> tx.mailboxes().messages(box.id()));
        assertThat(stored).hasSize(200);
        for (int i = 1; i < stored.size(); i++) {
            assertThat(stored.get(i).modSeq()).as("MODSEQ after UID %d", stored.get(i - 1).uid())
                    .isGreaterThan(stored.get(i - 1).modSeq());
        }
        Rows.Mailbox after = a.read(tx -> tx.mailboxes().mailbox(box.id())).orElseThrow();
        assertThat(after.uidNext()).isEqualTo(201);
        assertThat(after.highestModSeq()).isEqualTo(stored.get(199).modSeq());
    }

    @Test
    void eachDueRecipientIsLeasedByExactlyOneNode() throws Exception {
        Instant t0 = Instant.now().minusSeconds(60);
        int count = 60;
        a.writeAndWait(tx -> {
            tx.blobs().insert("Q1", 10, 1);
            return tx.queue().insert(new Rows.QueuedMessage("Q1", "Q1", "s@example.org", 10, "7BIT", false, null, null,
                            "192.0.2.1", "client.example", null, "smtp", t0, false),
                    IntStream.range(0, count).mapToObj(i -> new Rows.NewRecipient("r" + i + "@example.net", null, null))
                            .toList(), t0);
        });
        for (int round = 0; round < 3; round++) {
            // Each round starts when the last round's leases have run out: expired leases too are taken once.
            Instant now = Instant.now().plusSeconds(600L * round);
            CyclicBarrier start = new CyclicBarrier(2);
            Future<Set<Long>> byA = threads.submit(() -> leaseAllDue(a, now, start));
            Future<Set<Long>> byB = threads.submit(() -> leaseAllDue(b, now, start));
            Set<Long> leasedA = byA.get(60, TimeUnit.SECONDS);
            Set<Long> leasedB = byB.get(60, TimeUnit.SECONDS);
            assertThat(both(leasedA, leasedB)).as("round %d: leased by both", round).isEmpty();
            assertThat(leasedA.size() + leasedB.size()).as("round %d: leased at all", round).isEqualTo(count);
        }
    }

    @Test
    void twoNodesLeasingTheSameDueRowsAtOnceTakeDisjointSetsThatCoverThem() throws Exception {
        Instant t0 = Instant.now().minusSeconds(60);
        int count = 300;
        a.writeAndWait(tx -> {
            tx.blobs().insert("Q2", 10, 1);
            return tx.queue().insert(new Rows.QueuedMessage("Q2", "Q2", "s@example.org", 10, "7BIT", false, null, null,
                            "192.0.2.1", "client.example", null, "smtp", t0, false),
                    IntStream.range(0, count).mapToObj(i -> new Rows.NewRecipient("s" + i + "@example.net", null, null))
                            .toList(), t0);
        });
        for (int round = 0; round < 3; round++) {
            Instant now = Instant.now().plusSeconds(600L * round);
            CyclicBarrier start = new CyclicBarrier(2);
            Future<Set<Long>> byA = threads.submit(() -> leaseAllAtOnce(a, now, start));
            Future<Set<Long>> byB = threads.submit(() -> leaseAllAtOnce(b, now, start));
            Set<Long> leasedA = byA.get(60, TimeUnit.SECONDS);
            Set<Long> leasedB = byB.get(60, TimeUnit.SECONDS);
            assertThat(both(leasedA, leasedB)).as("round %d: leased by both", round).isEmpty();
            // A node skips the rows the other holds locked; whatever both skipped is due at the next scan.
            Set<Long> either = new HashSet<>(leasedA);
            either.addAll(leasedB);
            Set<Long> left = new HashSet<>(a.writeAndWait(tx -> tx.queue().leaseAll(
                    tx.queue().due(now, 1000).stream().map(Rows.QueueRecipient::id).toList(), now.plusSeconds(300), now)));
            assertThat(both(either, left)).isEmpty();
            assertThat(either.size() + left.size()).as("round %d: leased at all", round).isEqualTo(count);
        }
    }

    /** Reads what is due and leases it in one write, as a queue runner on a shared store does. */
    private static Set<Long> leaseAllAtOnce(MetadataStore node, Instant now, CyclicBarrier start) throws Exception {
        List<Long> due = node.read(tx -> tx.queue().due(now, 1000)).stream().map(Rows.QueueRecipient::id).toList();
        start.await(10, TimeUnit.SECONDS);
        return node.write(tx -> tx.queue().leaseAll(due, now.plusSeconds(300), now)).get(60, TimeUnit.SECONDS);
    }

    private static <T> Set<T> both(Set<T> a, Set<T> b) {
        Set<T> common = new HashSet<>(a);
        common.retainAll(b);
        return common;
    }

    /** Reads what is due and tries to lease each, one write per recipient, as a queue runner does. */
    private static Set<Long> leaseAllDue(MetadataStore node, Instant now, CyclicBarrier start) throws Exception {
        List<Rows.QueueRecipient> due = node.read(tx -> tx.queue().due(now, 1000));
        start.await(10, TimeUnit.SECONDS);
        List<CompletableFuture<Long>> attempts = new ArrayList<>();
        for (Rows.QueueRecipient r : due) {
            attempts.add(node.write(tx -> tx.queue().lease(r.id(), now.plusSeconds(300), now) ? r.id() : null));
        }
        Set<Long> leased = new HashSet<>();
        for (CompletableFuture<Long> f : attempts) {
            Long id = f.join();
            if (id != null) {
                leased.add(id);
            }
        }
        return leased;
    }

    @Test
    void whenTwoNodesFinishTheLastRecipientsAtOnceOneOfThemRemovesTheMessage() throws Exception {
        Instant t0 = Instant.now().minusSeconds(60);
        List<Rows.QueueRecipient> rows = a.writeAndWait(tx -> {
            tx.blobs().insert("M1", 10, 1);
            return tx.queue().insert(new Rows.QueuedMessage("M1", "M1", "s@example.org", 10, "7BIT", false, null, null,
                            "192.0.2.1", "client.example", null, "smtp", t0, false),
                    List.of(new Rows.NewRecipient("x@example.net", null, null),
                            new Rows.NewRecipient("y@example.test", null, null)), t0);
        });
        // As the local and the remote delivery of one message do when they end together: each
        // records its recipient's outcome, and whoever sees no recipient left removes the message.
        CyclicBarrier bothFinished = new CyclicBarrier(2);
        AtomicBoolean firstRun = new AtomicBoolean(true);
        Future<Boolean> byA = threads.submit(() -> finishAndRemoveIfLast(a, rows.get(0).id(), bothFinished, firstRun));
        Future<Boolean> byB = threads.submit(() -> finishAndRemoveIfLast(b, rows.get(1).id(), bothFinished, firstRun));
        List<Boolean> removed = List.of(byA.get(60, TimeUnit.SECONDS), byB.get(60, TimeUnit.SECONDS));
        assertThat(removed).containsExactlyInAnyOrder(true, false);
        Optional<Rows.QueuedMessage> message = a.read(tx -> tx.queue().message("M1"));
        boolean blob = a.read(tx -> tx.blobs().exists("M1"));
        assertThat(message).isEmpty();
        assertThat(blob).isFalse();
    }

    private static boolean finishAndRemoveIfLast(MetadataStore node, long recipientId, CyclicBarrier bothFinished,
                                                 AtomicBoolean firstRun) {
        return node.writeAndWait(tx -> {
            tx.queue().finish(recipientId, "delivered", "ok", Instant.now());
            if (firstRun.get()) {
                bothFinished.await(10, TimeUnit.SECONDS);   // neither has committed yet
            }
            boolean last = tx.queue().waiting("M1") == 0;
            firstRun.set(false);
            if (last) {
                tx.queue().delete("M1");
                tx.blobs().addRefs("M1", -1);
            }
            return last;
        });
    }

    @Test
    void eachWebhookDeliveryIsClaimedByOneNode() throws Exception {
        Instant t0 = Instant.now().minusSeconds(60);
        int count = 80;
        a.writeAndWait(tx -> {
            tx.webhooks().insertWebhook(new Rows.Webhook("W1", "https://hooks.example.net/", "secret",
                    List.of("delivered"), List.of(), true, t0));
            for (int i = 0; i < count; i++) {
                tx.webhooks().insertDelivery(new Rows.WebhookDelivery("D" + i, "W1", "delivered", "{}", "pending", 0,
                        t0, null, null, t0, t0, null));
            }
            return null;
        });
        CyclicBarrier start = new CyclicBarrier(2);
        Future<Set<String>> byA = threads.submit(() -> claimAll(a, "claim-a", start));
        Future<Set<String>> byB = threads.submit(() -> claimAll(b, "claim-b", start));
        Set<String> claimedA = byA.get(60, TimeUnit.SECONDS);
        Set<String> claimedB = byB.get(60, TimeUnit.SECONDS);
        assertThat(both(claimedA, claimedB)).as("claimed by both").isEmpty();
        assertThat(claimedA.size() + claimedB.size()).isEqualTo(count);
    }

    private static Set<String> claimAll(MetadataStore node, String claim, CyclicBarrier start) throws Exception {
        start.await(10, TimeUnit.SECONDS);
        Set<String> claimed = new HashSet<>();
        Instant now = Instant.now();
        for (int i = 0; i < 20; i++) {
            List<Rows.ClaimedDelivery> got = node.writeAndWait(tx -> tx.webhooks().claim(claim, now,
                    now.plusSeconds(300), 7));
            got.forEach(d -> claimed.add(d.delivery().id()));
        }
        return claimed;
    }

    @Test
    void writesThatDeadlockAreRunAgainAndBothCommit() {
        Rows.Mailbox x = mailbox("bob@example.test", "X");
        Rows.Mailbox y = mailbox("bob@example.test", "Y");
        CyclicBarrier bothHoldOne = new CyclicBarrier(2);
        AtomicBoolean firstRound = new AtomicBoolean(true);
        AtomicInteger runs = new AtomicInteger();
        CompletableFuture<Void> xThenY = a.write(tx -> {
            runs.incrementAndGet();
            tx.mailboxes().nextModSeq(x.id());
            if (firstRound.get()) {
                bothHoldOne.await(10, TimeUnit.SECONDS);
            }
            tx.mailboxes().nextModSeq(y.id());
            return null;
        });
        CompletableFuture<Void> yThenX = b.write(tx -> {
            runs.incrementAndGet();
            tx.mailboxes().nextModSeq(y.id());
            if (firstRound.get()) {
                bothHoldOne.await(10, TimeUnit.SECONDS);
                firstRound.set(false);
            }
            tx.mailboxes().nextModSeq(x.id());
            return null;
        });
        CompletableFuture.allOf(xThenY, yThenX).join();
        assertThat(runs.get()).as("one of the two ran again after PostgreSQL broke the deadlock").isEqualTo(3);
        assertThat(a.read(tx -> tx.mailboxes().mailbox(x.id())).orElseThrow().highestModSeq()).isEqualTo(3);
        assertThat(a.read(tx -> tx.mailboxes().mailbox(y.id())).orElseThrow().highestModSeq()).isEqualTo(3);
    }

    @Test
    void twoNodesMakingTheSameMailboxOnFirstUseBothGetIt() throws Exception {
        Rows.Mailbox inbox = mailbox("dan@example.test", "INBOX");
        CyclicBarrier bothLooked = new CyclicBarrier(2);
        AtomicBoolean firstRun = new AtomicBoolean(true);
        AtomicInteger runs = new AtomicInteger();
        Future<Rows.Mailbox> byA = threads.submit(() -> junk(a, inbox.accountId(), bothLooked, firstRun, runs));
        Future<Rows.Mailbox> byB = threads.submit(() -> junk(b, inbox.accountId(), bothLooked, firstRun, runs));
        Rows.Mailbox fromA = byA.get(30, TimeUnit.SECONDS);
        Rows.Mailbox fromB = byB.get(30, TimeUnit.SECONDS);
        assertThat(fromA.id()).isEqualTo(fromB.id());
        assertThat(runs.get()).as("the loser ran again and found the winner's mailbox").isEqualTo(3);
    }

    /** Finds the account's Junk mailbox or makes it, as delivery does for a mailbox it needs. */
    private static Rows.Mailbox junk(MetadataStore node, long accountId, CyclicBarrier bothLooked,
                                     AtomicBoolean firstRun, AtomicInteger runs) {
        return node.writeAndWait(tx -> {
            runs.incrementAndGet();
            java.util.Optional<Rows.Mailbox> found = tx.mailboxes().mailbox(accountId, "Junk");
            if (firstRun.get()) {
                bothLooked.await(10, TimeUnit.SECONDS);    // both found none
                firstRun.set(false);
            }
            return found.orElseGet(() -> tx.mailboxes().create(accountId, "Junk", "\\Junk",
                    tx.mailboxes().takeUidValidity(accountId, 1)));
        });
    }

    @Test
    void aMaildropLockIsTakenByOneNodeAtATime() throws Exception {
        Rows.Mailbox box = mailbox("carol@example.test", "INBOX");
        Instant now = Instant.now();
        CyclicBarrier start = new CyclicBarrier(2);
        Future<Boolean> byA = threads.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            return a.writeAndWait(tx -> tx.mailboxes().lockMaildrop(box.accountId(), "a", now.plusSeconds(60), now));
        });
        Future<Boolean> byB = threads.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            return b.writeAndWait(tx -> tx.mailboxes().lockMaildrop(box.accountId(), "b", now.plusSeconds(60), now));
        });
        assertThat(List.of(byA.get(30, TimeUnit.SECONDS), byB.get(30, TimeUnit.SECONDS))).containsExactlyInAnyOrder(true, false);
    }
}
