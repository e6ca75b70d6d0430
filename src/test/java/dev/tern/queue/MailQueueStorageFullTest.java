package dev.tern.queue;

import dev.tern.mail.ClientInfo;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailAddress;
import dev.tern.mail.MailException;
import dev.tern.mail.Recipient;
import dev.tern.mailbox.MailboxService;
import dev.tern.store.BlobSink;
import dev.tern.store.MetadataStore;
import dev.tern.store.StorageFullTest;
import dev.tern.store.StoreException;
import dev.tern.store.StoreWork;
import dev.tern.store.embedded.FileBlobStore;
import dev.tern.store.embedded.SqliteMetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A message that cannot be stored because the disk is full is refused with 452 4.3.1 (the sender
 * keeps it and retries), other storage failures with 451 4.3.0; in both cases nothing of it stays.
 */
class MailQueueStorageFullTest {

    @TempDir
    Path dir;
    SqliteMetadataStore real;
    FileBlobStore blobs;
    volatile Throwable writesFailWith;
    MailQueue queue;

    @BeforeEach
    void open() {
        real = new SqliteMetadataStore(dir.resolve("tern.db"), 2);
        blobs = new FileBlobStore(dir.resolve("blobs"));
        MetadataStore store = new MetadataStore() {
            @Override
            public <T> T read(StoreWork<T> work) {
                return real.read(work);
            }

            @Override
            public <T> CompletableFuture<T> write(StoreWork<T> work) {
                Throwable failure = writesFailWith;
                return failure == null ? real.write(work)
                        : CompletableFuture.failedFuture(new StoreException("write failed", failure));
            }

            @Override
            public void close() {
                real.close();
            }
        };
        queue = new MailQueue(store, blobs, new MailboxService(store, blobs), Runnable::run);
    }

    @AfterEach
    void close() {
        real.close();
    }

    private CompletableFuture<Void> enqueue(int size) throws Exception {
        String id = queue.newId();
        BlobSink sink = queue.newBody(id);
        String text = "Subject: full disk\r\n\r\n" + "x".repeat(size) + "\r\n";
        sink.write(ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        Envelope envelope = new Envelope(MailAddress.parse("a@example.org"),
                List.of(Recipient.of(MailAddress.parse("b@elsewhere.test"))), "7BIT", false, null, null,
                new ClientInfo("127.0.0.1", null, "client.test", "ESMTP", "smtp", null), Instant.now());
        return queue.enqueue(id, envelope, sink);
    }

    private static MailException refusal(CompletableFuture<Void> f) {
        Throwable t = catchThrowable(f::join);
        assertThat(t).isInstanceOf(CompletionException.class);
        assertThat(t.getCause()).isInstanceOf(MailException.class);
        return (MailException) t.getCause();
    }

    private long blobFiles() throws Exception {
        if (!Files.exists(dir.resolve("blobs"))) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir.resolve("blobs"))) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void aFullDatabaseIsInsufficientSystemStorage() throws Exception {
        writesFailWith = StorageFullTest.sqliteFull(dir);
        MailException small = refusal(enqueue(100));
        assertThat(small.code()).isEqualTo(452);
        assertThat(small.enhancedCode()).isEqualTo("4.3.1");
        assertThat(small.text()).isEqualTo("Insufficient system storage, try again later");
        // A large content is a file first; it is removed with the refusal.
        MailException large = refusal(enqueue(200_000));
        assertThat(large.code()).isEqualTo(452);
        assertThat(blobFiles()).isZero();
    }

    @Test
    void aFullFileSystemIsInsufficientSystemStorage() throws Exception {
        writesFailWith = new java.io.UncheckedIOException(StorageFullTest.noSpace());
        assertThat(refusal(enqueue(100)).enhancedCode()).isEqualTo("4.3.1");
    }

    @Test
    void otherStorageFailuresAreALocalError() throws Exception {
        writesFailWith = new SQLException("[SQLITE_IOERR] Some kind of disk I/O error occurred (disk I/O error)");
        MailException e = refusal(enqueue(100));
        assertThat(e.code()).isEqualTo(451);
        assertThat(e.enhancedCode()).isEqualTo("4.3.0");

        writesFailWith = null;
        enqueue(100).join();
        assertThat(queue.list(10)).hasSize(1);
    }
}
