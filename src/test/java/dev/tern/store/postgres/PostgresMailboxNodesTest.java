package dev.tern.store.postgres;

import dev.tern.mailbox.AppendResult;
import dev.tern.mailbox.FlagOperation;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MailboxService;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.embedded.EmbeddedStore;
import dev.tern.store.embedded.FileBlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * IMAP's changes to one mailbox from two nodes at once (two sessions of one user, on two nodes
 * or one): each change reads the messages and writes what it computed, and none may be lost.
 */
class PostgresMailboxNodesTest {

    @RegisterExtension
    static final PostgresTestDatabase database = new PostgresTestDatabase();

    @TempDir
    Path dir;
    private MetadataStore storeA;
    private MetadataStore storeB;
    private FileBlobStore blobs;
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @BeforeEach
    void open() throws Exception {
        storeA = database.open();
        storeB = database.open();
        database.truncateAll();
        blobs = EmbeddedStore.openBlobs(dir);
    }

    @AfterEach
    void close() throws Exception {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        storeA.close();
        storeB.close();
        blobs.close();
    }

    @Test
    void flagsStoredFromTwoNodesAtOnceAreAllKept() throws Exception {
        MailboxService nodeA = new MailboxService(storeA, blobs);
        MailboxService nodeB = new MailboxService(storeB, blobs);
        long account = storeA.writeAndWait(tx -> {
            long domain = tx.directory().insertDomain("example.test", Instant.now()).id();
            return tx.directory().insertAccount("erin@example.test", "erin@example.test", domain, "h", Instant.now()).id();
        });
        Rows.Mailbox inbox = nodeA.create(account, "INBOX", null);
        AppendResult appended = nodeA.messageService().append(inbox.id(),
                "Subject: flags\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8), Flags.of(List.of()), Instant.now());

        int each = 40;
        Future<?> a = threads.submit(() -> addKeywords(nodeA, inbox.id(), appended.uid(), "a", each));
        Future<?> b = threads.submit(() -> addKeywords(nodeB, inbox.id(), appended.uid(), "b", each));
        a.get(120, TimeUnit.SECONDS);
        b.get(120, TimeUnit.SECONDS);

        Rows.Message m = storeA.read(tx -> tx.mailboxes().message(inbox.id(), appended.uid())).orElseThrow();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < each; i++) {
            expected.add("a" + i);
            expected.add("b" + i);
        }
        assertThat(m.keywords().split(" ")).as("keywords after %d STOREs from each node", each)
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(m.modSeq()).isEqualTo(2 + 2L * each);   // one MODSEQ per change, none shared
    }

    @Test
    void aMailboxDeletedOnOneNodeIsHeardOfOnTheOther() throws Exception {
        MailboxService nodeA = new MailboxService(storeA, blobs);
        MailboxService nodeB = new MailboxService(storeB, blobs);
        long account = storeA.writeAndWait(tx -> {
            long domain = tx.directory().insertDomain("example.test", Instant.now()).id();
            return tx.directory().insertAccount("erin@example.test", "erin@example.test", domain, "h", Instant.now()).id();
        });
        Rows.Mailbox work = nodeA.create(account, "Work", null);
        java.util.concurrent.BlockingQueue<Object> heardOnB = new java.util.concurrent.LinkedBlockingQueue<>();
        try (AutoCloseable receiving = nodeB.receiveEventsFromOtherNodes();
             var listening = nodeB.events().listen(work.id(), new dev.tern.mailbox.MailboxEvents.Listener() {
                 @Override
                 public void removed(dev.tern.mailbox.MailboxEvents.MailboxRemoved event) {
                     heardOnB.add(event);
                 }
             })) {
            // A rename keeps the mailbox (its id): nothing for a session that has it selected.
            nodeA.rename(account, "Work", "Work2");
            assertThat(heardOnB.poll(500, TimeUnit.MILLISECONDS)).isNull();
            nodeA.delete(account, "Work2");
            assertThat(heardOnB.poll(10, TimeUnit.SECONDS))
                    .isEqualTo(new dev.tern.mailbox.MailboxEvents.MailboxRemoved(account, work.id()));
        }
    }

    private static void addKeywords(MailboxService node, long mailboxId, long uid, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            node.messageService().storeFlags(mailboxId, List.of(uid), FlagOperation.ADD, Flags.of(prefix + i), -1);
        }
    }
}
