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

    static String message(int n) {
        return "Subject: message " + n + "\r\n\r\nBody " + n + "\r\n";
    }

    @Override
    public void close() {
        store.close();
        blobs.close();
    }
}
