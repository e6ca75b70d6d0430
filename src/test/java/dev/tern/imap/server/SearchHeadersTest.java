package dev.tern.imap.server;

import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MailboxService;
import dev.tern.mailbox.MessageEntry;
import dev.tern.mailbox.MessageService;
import dev.tern.store.BlobStore;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class SearchHeadersTest {

    @TempDir
    Path dir;

    @Test
    void aSearchAfterOneArrivalReadsOnlyTheNewSectionFromTheIndex() {
        MetadataStore store = EmbeddedStore.openMetadata(dir, 2);
        BlobStore blobs = EmbeddedStore.openBlobs(dir);
        try {
            MailboxService mailboxes = new MailboxService(store, blobs);
            MessageService messages = mailboxes.messageService();
            long accountId = store.writeAndWait(tx -> {
                long domainId = tx.directory().insertDomain("example.test", Instant.now()).id();
                Rows.Account a = tx.directory().insertAccount("u@example.test", "u@example.test", domainId, "h",
                        Instant.now());
                MailboxService.createDefaultMailboxes(tx, a.id());
                return a.id();
            });
            long inbox = mailboxes.mailbox(accountId, "INBOX").orElseThrow().id();
            for (int i = 0; i < 20; i++) {
                append(messages, inbox, i);
            }
            SearchHeaders first = new SearchHeaders(messages, inbox);
            for (MessageEntry m : messages.messages(inbox)) {
                assertThat(text(first.of(m))).startsWith("Subject: message " + (m.uid() - 1) + "\r\n");
            }
            assertThat(first.readFromIndex()).isEqualTo(20);    // a mailbox never searched: one query for all

            append(messages, inbox, 20);
            SearchHeaders second = new SearchHeaders(messages, inbox);
            for (MessageEntry m : messages.messages(inbox)) {
                assertThat(text(second.of(m))).startsWith("Subject: message " + (m.uid() - 1) + "\r\n");
            }
            assertThat(second.readFromIndex()).isEqualTo(1);    // the others are in memory
        } finally {
            store.close();
            blobs.close();
        }
    }

    private static void append(MessageService messages, long mailbox, int n) {
        messages.append(mailbox, ("Subject: message " + n + "\r\nMessage-ID: <" + n + "." + System.nanoTime()
                + "@example.test>\r\n\r\nBody " + n + "\r\n").getBytes(StandardCharsets.UTF_8), Flags.NONE, Instant.now());
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
