package dev.tern.store.s3;

import dev.tern.store.SmallContent;

import dev.tern.store.BlobSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One content on its way into the bucket.
 *
 * <p>Up to {@link S3BlobStore#MEMORY_LIMIT} bytes stay in memory and go up in one PutObject at
 * commit. Past that, bytes go to a spool file (local disk, as the file store writes its files:
 * {@link #write} may run on an event loop and must not wait for the network), and each time a
 * whole part has arrived it is handed to the store's upload threads, which start a multipart
 * upload and send the parts in order while the rest of the message arrives. {@link #commit} sends
 * what is left as the last part and completes the upload; a content smaller than one part goes up
 * in one PutObject from the spool file. The message is never held in memory whole.
 *
 * <p>{@link #abort} only marks the sink: the multipart upload is aborted on an upload thread once
 * its part in flight has finished, so that an event loop never waits for S3.
 */
final class S3Sink implements BlobSink {

    private static final Logger log = LoggerFactory.getLogger(S3Sink.class);

    private final S3BlobStore store;
    private final String id;
    private final String key;
    private SmallContent memory = new SmallContent(S3BlobStore.MEMORY_LIMIT);
    private FileChannel spool;
    private long size;
    /** Bytes of the spool file already handed to the upload threads, in whole parts. */
    private long handedOver;
    /** The parts sent so far, in order; null until the first part is handed over. */
    private CompletableFuture<Void> parts;
    /** Written by the upload threads only, read by {@link #commit} after {@code parts} completed. */
    private final List<CompletedPart> completed = new ArrayList<>();
    private String uploadId;
    private volatile boolean aborted;
    private boolean done;

    S3Sink(S3BlobStore store, String id, String key) {
        this.store = store;
        this.id = id;
        this.key = key;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void write(ByteBuffer data) throws IOException {
        if (done) {
            throw new IllegalStateException("blob " + id + " already committed or aborted");
        }
        size += data.remaining();
        if (spool == null && memory.append(data)) {
            return;
        }
        if (spool == null) {
            // DELETE_ON_CLOSE unlinks the file at once on Unix: nothing is left behind by a crash.
            spool = FileChannel.open(Files.createTempFile(store.spoolDir(), "s3-", ".part"),
                    StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
            memory.writeTo(spool);
            memory = null;
        }
        writeFully(data);
        while (size - handedOver >= store.partSize()) {
            handOver(handedOver, store.partSize());
            handedOver += store.partSize();
        }
    }

    private void writeFully(ByteBuffer data) throws IOException {
        while (data.hasRemaining()) {
            spool.write(data);
        }
    }

    /** Queues the upload of one part, after the parts before it. */
    private void handOver(long offset, long length) {
        int number = (int) (offset / store.partSize()) + 1;
        CompletableFuture<Void> before = parts == null ? CompletableFuture.completedFuture(null) : parts;
        parts = before.thenRunAsync(() -> uploadPart(number, offset, length), store.uploads());
    }

    private void uploadPart(int number, long offset, long length) {
        if (aborted) {
            throw new CompletionException(new IOException("aborted"));
        }
        if (uploadId == null) {
            uploadId = store.client().createMultipartUpload(r -> r.bucket(store.bucket()).key(key)).uploadId();
        }
        String etag = store.client().uploadPart(r -> r.bucket(store.bucket()).key(key).uploadId(uploadId)
                .partNumber(number).contentLength(length), body(offset, length)).eTag();
        completed.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
    }

    /** A region of the spool file, read afresh for each attempt of a request. */
    private RequestBody body(long offset, long length) {
        FileChannel file = spool;
        return RequestBody.fromContentProvider(() -> new RegionStream(file, offset, offset + length), length,
                "application/octet-stream");
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public byte[] memoryContent(int max) {
        if (done || spool != null || memory == null || memory.length() > max) {
            return null;
        }
        return memory.bytes();
    }

    @Override
    public void commit() throws IOException {
        if (done) {
            throw new IllegalStateException("blob " + id + " already committed or aborted");
        }
        try {
            if (spool == null) {
                byte[] content = memory.bytes();
                store.client().putObject(r -> r.bucket(store.bucket()).key(key).contentLength((long) content.length),
                        RequestBody.fromBytes(content));
            } else if (parts == null) {
                store.client().putObject(r -> r.bucket(store.bucket()).key(key).contentLength(size), body(0, size));
            } else {
                if (size > handedOver) {
                    handOver(handedOver, size - handedOver);
                }
                awaitParts();
                List<CompletedPart> sorted = completed.stream()
                        .sorted(Comparator.comparing(CompletedPart::partNumber)).toList();
                store.client().completeMultipartUpload(r -> r.bucket(store.bucket()).key(key).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(sorted)));
            }
            done = true;
            closeSpool();
        } catch (SdkException e) {
            abort();
            throw new IOException(store.describeFailure("cannot store " + key + " in", e), e);
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
    }

    private void awaitParts() throws IOException {
        try {
            parts.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SdkException se) {
                throw se;
            }
            if (cause instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw new IOException("uploading a part of " + key + " failed: " + cause, cause);
        }
    }

    @Override
    public void abort() {
        if (done) {
            return;
        }
        done = true;
        aborted = true;
        memory = null;
        if (parts == null) {
            closeSpool();
            return;
        }
        parts.whenCompleteAsync((ok, failure) -> {
            closeSpool();
            if (uploadId != null) {
                try {
                    store.client().abortMultipartUpload(r -> r.bucket(store.bucket()).key(key).uploadId(uploadId));
                } catch (SdkException e) {
                    // Left for the bucket's lifecycle rule on incomplete uploads.
                    log.warn("could not abort the upload of {}: {}", key, e.getMessage());
                }
            }
        }, store.uploads());
    }

    private void closeSpool() {
        if (spool != null) {
            try {
                spool.close();
            } catch (IOException ignored) {
                // unlinked already: the space returns when the descriptor goes
            }
        }
    }

    /** Bytes {@code [position, end)} of a file, by positioned reads that leave the writer's position alone. */
    private static final class RegionStream extends InputStream {
        private final FileChannel file;
        private long position;
        private final long end;

        RegionStream(FileChannel file, long position, long end) {
            this.file = file;
            this.position = position;
            this.end = end;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= end) {
                return -1;
            }
            int n = file.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
            if (n < 0) {
                throw new IOException("spool file ended before its expected length");
            }
            position += n;
            return n;
        }
    }
}
