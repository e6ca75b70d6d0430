package dev.tern.imap.server;

import dev.tern.mailbox.MessageUpload;
import dev.tern.store.BlobSink;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;

class UploadPipeTest {

    /** Counts what reaches it and the largest single write; keeps nothing. */
    static final class CountingSink implements BlobSink {
        long size;
        int largestWrite;
        boolean aborted;

        public String id() {
            return "counting";
        }

        public void write(ByteBuffer data) {
            largestWrite = Math.max(largestWrite, data.remaining());
            size += data.remaining();
            data.position(data.limit());
        }

        public long size() {
            return size;
        }

        public void commit() {
        }

        public void abort() {
            aborted = true;
        }
    }

    /** An executor that runs tasks only when told: a store that is behind. */
    static final class ManualExecutor implements Executor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            while (!tasks.isEmpty()) {
                tasks.poll().run();
            }
        }
    }

    @Test
    void readingStopsWhileTheStoreIsBehindAndNothingAccumulates() {
        CountingSink sink = new CountingSink();
        ManualExecutor store = new ManualExecutor();
        UploadPipe pipe = new UploadPipe(new MessageUpload(sink), store);
        long total = 30L * 1024 * 1024;
        byte[] piece = new byte[64 * 1024];
        int pauses = 0;
        for (long sent = 0; sent < total; sent += piece.length) {
            CompletableFuture<Void> room = pipe.write(ByteBuffer.wrap(piece));
            if (room != null) {
                // The connection would stop reading here; the store catches up, then it reads on.
                pauses++;
                assertThat(room).isNotDone();
                store.runAll();
                assertThat(room).isDone();
            }
        }
        pipe.close();
        store.runAll();
        assertThat(pipe.finished()).isCompleted();
        assertThat(sink.size).isEqualTo(total);
        assertThat(pauses).isGreaterThan(50);
        assertThat(pipe.largestPending()).isLessThanOrEqualTo(UploadPipe.WINDOW + piece.length);
        assertThat(sink.largestWrite).isEqualTo(piece.length);
    }

    @Test
    void abortDiscardsTheContentAfterTheWriteInProgress() {
        CountingSink sink = new CountingSink();
        ManualExecutor store = new ManualExecutor();
        UploadPipe pipe = new UploadPipe(new MessageUpload(sink), store);
        pipe.write(ByteBuffer.wrap(new byte[1000]));
        pipe.abort();
        store.runAll();
        assertThat(sink.aborted).isTrue();
        assertThat(sink.size).isZero();
        assertThat(pipe.finished()).isCompletedExceptionally();
        assertThat(pipe.write(ByteBuffer.wrap(new byte[10]))).isNull();
    }
}
