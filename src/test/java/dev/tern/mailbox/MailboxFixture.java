package dev.tern.mailbox;

import dev.tern.store.BlobStore;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.embedded.EmbeddedStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/** An embedded store in a temporary directory with one account and its default mailboxes. */
final class MailboxFixture implements AutoCloseable {

    final MetadataStore store;
    final BlobStore blobs;
    final MailboxService mailboxes;
    final MessageService messages;
    final long accountId;

    MailboxFixture(Path dir) {
        store = EmbeddedStore.openMetadata(dir, 4);
        blobs = EmbeddedStore.openBlobs(dir);
        mailboxes = new MailboxService(store, blobs);
        messages = mailboxes.messageService();
        accountId = store.writeAndWait(tx -> {
            long domainId = tx.directory().insertDomain("example.test", Instant.now()).id();
            Rows.Account a = tx.directory().insertAccount("u@example.test", "u@example.test", domainId, "h", Instant.now());
            MailboxService.createDefaultMailboxes(tx, a.id());
            return a.id();
        });
    }

    long id(String mailbox) {
        return mailboxes.mailbox(accountId, mailbox).orElseThrow().id();
    }

    AppendResult append(String mailbox, String text, Flags flags) {
        return messages.append(id(mailbox), text.getBytes(StandardCharsets.UTF_8), flags, Instant.now());
    }

    /**
     * Appends {@code n} messages from several threads at once, so that the store's group commit
     * takes them many at a time; returned in the order of their UIDs.
     */
    java.util.List<AppendResult> appendMany(String mailbox, int n, Flags flags) {
        long id = id(mailbox);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            java.util.List<java.util.concurrent.CompletableFuture<AppendResult>> appends = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] text = message(i).getBytes(StandardCharsets.UTF_8);
                appends.add(java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> messages.append(id, text, flags, Instant.now()), pool));
            }
            return appends.stream().map(java.util.concurrent.CompletableFuture::join)
                    .sorted(java.util.Comparator.comparingLong(AppendResult::uid)).toList();
        } finally {
            pool.shutdownNow();
        }
    }

    /** The content ids of a mailbox's messages. */
    java.util.List<String> blobIds(long mailboxId) {
        return store.read(tx -> tx.mailboxes().messages(mailboxId)).stream().map(Rows.Message::blobId).toList();
    }

    /** How many of {@code blobIds} still have a content row. */
    long contentsLeft(java.util.List<String> blobIds) {
        return store.read(tx -> blobIds.stream().filter(b -> tx.blobs().exists(b)).count());
    }

    static String message(int n) {
        return "Subject: message " + n + "\r\n\r\nBody " + n + "\r\n";
    }

    @Override
    public void close() {
        store.close();
        blobs.close();
    }
}
