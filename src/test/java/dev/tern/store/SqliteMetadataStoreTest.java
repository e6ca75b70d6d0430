package dev.tern.store;

import dev.tern.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteMetadataStoreTest extends MetadataStoreContract {

    @TempDir
    Path dir;

    @Override
    protected MetadataStore open() {
        return EmbeddedStore.openMetadata(dir, 4);
    }

    @Override
    protected MetadataStore reopen() {
        return open();
    }

    /** The enabled webhooks as a write transaction of {@code s} sees them. */
    private static List<Rows.Webhook> enabledInWrite(MetadataStore s) {
        return s.writeAndWait(tx -> tx.webhooks().enabledWebhooks());
    }

    @Test
    void aWebhookAddedByAnotherProcessOnTheSameFileIsSeenByTheNextWrite() {
        try (MetadataStore server = open(); MetadataStore commandLine = open()) {
            assertThat(enabledInWrite(server)).isEmpty();
            Rows.Webhook w = new Rows.Webhook("w1", "https://hooks.example/a", "whsec_a", List.of("bounced"),
                    List.of(), true, Instant.parse("2026-01-01T00:00:00Z"));
            commandLine.writeAndWait(tx -> {
                tx.webhooks().insertWebhook(w);
                return null;
            });
            assertThat(enabledInWrite(server)).containsExactly(w);
            commandLine.writeAndWait(tx -> tx.webhooks().deleteWebhook("w1"));
            assertThat(enabledInWrite(server)).isEmpty();
        }
    }

    /** An INBOX to append to, and a blob for the appended messages to point at. */
    private Rows.Mailbox inbox() {
        return store.writeAndWait(tx -> {
            long domainId = tx.directory().insertDomain("example.test", Instant.now()).id();
            Rows.Account a = tx.directory().insertAccount("erin@example.test", "erin@example.test", domainId,
                    "hash", Instant.now());
            tx.blobs().insert("B1", 10, 0);
            return tx.mailboxes().create(a.id(), "INBOX", null, 1);
        });
    }

    private static Rows.Message append(StoreTx tx, Rows.Mailbox box) {
        return tx.mailboxes().append(box.id(), "B1", "", 10, Instant.now(), 0, "");
    }

    /**
     * Holds the writer inside a write until {@code go} opens, so that the writes made meanwhile
     * wait together.
     */
    private CompletableFuture<Rows.Message> writeHeldUntil(Rows.Mailbox box, CountDownLatch go) throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<Rows.Message> held = store.write(tx -> {
            Rows.Message m = append(tx, box);
            running.countDown();
            assertThat(go.await(10, TimeUnit.SECONDS)).isTrue();
            return m;
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        return held;
    }

    @Test
    void aFailingWriteOfABatchFailsAloneAndTheOthersAreKeptAndFollowedUpOnce() throws Exception {
        Rows.Mailbox box = inbox();
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Rows.Message> held = writeHeldUntil(box, go);
        AtomicInteger followUps = new AtomicInteger();
        AtomicInteger failedFollowUps = new AtomicInteger();
        CompletableFuture<Rows.Message> before = store.write(tx -> {
            tx.afterCommit(followUps::incrementAndGet);
            return append(tx, box);
        });
        CompletableFuture<Rows.Message> failing = store.write(tx -> {
            tx.afterCommit(failedFollowUps::incrementAndGet);
            append(tx, box);
            throw new IllegalStateException("planned failure");
        });
        CompletableFuture<Rows.Message> after = store.write(tx -> {
            tx.afterCommit(followUps::incrementAndGet);
            return append(tx, box);
        });
        go.countDown();

        assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("planned failure");
        List<Long> returned = List.of(held.join().uid(), before.join().uid(), after.join().uid());
        List<Rows.Message> stored = store.read(tx -> tx.mailboxes().messages(box.id()));
        assertThat(stored).extracting(Rows.Message::uid).containsExactlyElementsOf(returned);
        assertThat(followUps).hasValue(2);
        assertThat(failedFollowUps).hasValue(0);
    }

    @Test
    void whenManyWritesWaitABatchTakesTheOlderHalf() throws Exception {
        Rows.Mailbox box = inbox();
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Rows.Message> held = writeHeldUntil(box, go);
        List<CompletableFuture<Rows.Message>> waiting = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            waiting.add(store.write(tx -> append(tx, box)));
        }
        // Registered before the oldest waiting write completes, so it runs on the writer thread as
        // that write completes, before the writer can begin another transaction.
        CompletableFuture<Integer> storedWhenOldestCompletes =
                waiting.get(0).thenApply(m -> store.read(tx -> tx.mailboxes().messages(box.id())).size());
        go.countDown();

        assertThat(storedWhenOldestCompletes.get(10, TimeUnit.SECONDS)).isEqualTo(1 + 3);
        assertThat(held.join().uid()).isEqualTo(1);
        assertThat(waiting).extracting(w -> w.join().uid()).containsExactly(2L, 3L, 4L, 5L, 6L, 7L);
    }
}
