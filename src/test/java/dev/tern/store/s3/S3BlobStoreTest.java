package dev.tern.store.s3;

import dev.tern.store.BlobSink;
import dev.tern.store.BlobStore;
import dev.tern.store.StoreException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class S3BlobStoreTest {

    private static S3TestServer s3;
    private static final AtomicInteger buckets = new AtomicInteger();

    @TempDir
    Path spool;
    private String bucket;

    @BeforeAll
    static void startS3() {
        s3 = S3TestServer.start();
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    @BeforeEach
    void newBucket() {
        bucket = "blobs-" + buckets.incrementAndGet();
        s3.createBucket(bucket);
    }

    private S3BlobStore open(String prefix) {
        return S3BlobStore.open(s3.location(bucket, prefix), spool);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static void write(BlobSink sink, byte[] content, int chunk) throws Exception {
        for (int off = 0; off < content.length; off += chunk) {
            sink.write(ByteBuffer.wrap(content, off, Math.min(chunk, content.length - off)));
        }
    }

    private static byte[] read(BlobStore store, String id) throws Exception {
        try (InputStream in = store.open(id)) {
            return in.readAllBytes();
        }
    }

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    private List<String> keys() {
        return s3.client().listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).toList();
    }

    private int uploadsInProgress() {
        return s3.client().listMultipartUploads(r -> r.bucket(bucket)).uploads().size();
    }

    @Test
    void smallAndSpooledContentsRoundTripInOnePut() throws Exception {
        try (S3BlobStore store = open("mail/")) {
            byte[] small = bytes(1000);
            BlobSink sink = store.create("SMALL");
            write(sink, small, 100);
            assertThat(sink.size()).isEqualTo(1000);
            assertThat(sink.memoryContent(4096)).isEqualTo(small);
            assertThat(sink.memoryContent(999)).isNull();
            sink.commit();
            assertThat(read(store, "SMALL")).isEqualTo(small);

            byte[] medium = bytes(3 * 1024 * 1024 + 5);   // past the memory limit, under one part
            BlobSink spooled = store.create("MEDIUM");
            write(spooled, medium, 65536);
            assertThat(spooled.memoryContent(Integer.MAX_VALUE)).isNull();
            spooled.commit();
            assertThat(read(store, "MEDIUM")).isEqualTo(medium);
            assertThat(s3.client().headObject(r -> r.bucket(bucket).key("mail/MEDIUM")).eTag()).doesNotContain("-");
            assertThat(keys()).containsExactlyInAnyOrder("mail/SMALL", "mail/MEDIUM");
        }
    }

    @Test
    void largeContentIsStreamedInPartsWhileItArrives() throws Exception {
        byte[] large = bytes(20 * 1024 * 1024 + 17);
        try (S3BlobStore store = open("")) {
            BlobSink sink = store.create("LARGE");
            write(sink, large, 64 * 1024);
            assertThat(sink.size()).isEqualTo(large.length);
            assertThat(sink.memoryContent(Integer.MAX_VALUE)).isNull();
            // Parts went up before commit: the upload is in progress and holds the first parts.
            await().atMost(Duration.ofSeconds(30)).until(() -> uploadsInProgress() == 1);
            assertThat(keys()).isEmpty();
            sink.commit();
            assertThat(uploadsInProgress()).isZero();
            assertThat(s3.client().headObject(r -> r.bucket(bucket).key("LARGE")).eTag()).endsWith("-3\"");
            assertThat(sha256(read(store, "LARGE"))).isEqualTo(sha256(large));
            assertThat(spool).isEmptyDirectory();
        }
    }

    @Test
    void contentOfExactlyWholePartsCompletes() throws Exception {
        int part = 5 * 1024 * 1024;   // the smallest S3 accepts
        byte[] content = bytes(2 * part);
        try (S3BlobStore store = S3BlobStore.open(s3.location(bucket, ""), spool, part)) {
            BlobSink sink = store.create("TWO");
            write(sink, content, 100_000);
            sink.commit();
            assertThat(s3.client().headObject(r -> r.bucket(bucket).key("TWO")).eTag()).endsWith("-2\"");
            assertThat(read(store, "TWO")).isEqualTo(content);
        }
    }

    @Test
    void abortedContentsLeaveNothing() throws Exception {
        try (S3BlobStore store = open("")) {
            BlobSink small = store.create("TINY");
            small.write(ByteBuffer.wrap(bytes(10)));
            small.abort();
            small.abort();
            BlobSink spooled = store.create("SPOOLED");
            write(spooled, bytes(1024 * 1024), 65536);
            spooled.abort();
            BlobSink big = store.create("BIG");
            write(big, bytes(20 * 1024 * 1024), 65536);
            await().atMost(Duration.ofSeconds(30)).until(() -> uploadsInProgress() == 1);
            big.abort();
            big.abort();
            assertThatThrownBy(() -> big.write(ByteBuffer.wrap(bytes(1)))).isInstanceOf(IllegalStateException.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> uploadsInProgress() == 0);
            assertThat(keys()).isEmpty();
            assertThat(store.listOlderThan(Long.MAX_VALUE)).isEmpty();
            assertThatThrownBy(() -> store.open("BIG")).isInstanceOf(NoSuchFileException.class);
        }
    }

    @Test
    void committedContentIsListedAndDeletable() throws Exception {
        try (S3BlobStore store = open("node/")) {
            BlobSink sink = store.create("KEEP");
            sink.write(ByteBuffer.wrap(bytes(10)));
            sink.commit();
            s3.client().putObject(r -> r.bucket(bucket).key("other/FOREIGN"),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("x"));
            s3.client().putObject(r -> r.bucket(bucket).key("node/not.an.id"),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("x"));
            assertThat(store.listOlderThan(Long.MAX_VALUE)).containsExactly("KEEP");
            assertThat(store.listOlderThan(0)).isEmpty();
            store.delete("KEEP");
            store.delete("KEEP");
            store.delete("NEVER");
            assertThat(store.listOlderThan(Long.MAX_VALUE)).isEmpty();
            assertThat(keys()).containsExactlyInAnyOrder("other/FOREIGN", "node/not.an.id");
        }
    }

    @Test
    void listingFollowsPages() throws Exception {
        try (S3BlobStore store = open("p/")) {
            for (int i = 0; i < 1005; i++) {
                BlobSink sink = store.create("m" + i);
                sink.write(ByteBuffer.wrap(new byte[]{(byte) i}));
                sink.commit();
            }
            assertThat(store.listOlderThan(Long.MAX_VALUE)).hasSize(1005).contains("m0", "m1004");
        }
    }

    @Test
    void missingContentIsNoSuchFile() {
        try (S3BlobStore store = open("")) {
            assertThatThrownBy(() -> store.open("NOPE")).isInstanceOf(NoSuchFileException.class)
                    .hasMessageContaining("NOPE");
        }
    }

    @Test
    void aStreamClosedEarlyLeavesTheStoreUsable() throws Exception {
        byte[] content = bytes(4 * 1024 * 1024);
        try (S3BlobStore store = open("")) {
            BlobSink sink = store.create("READ");
            write(sink, content, 65536);
            sink.commit();
            for (int i = 0; i < 5; i++) {
                try (InputStream in = store.open("READ")) {
                    assertThat(in.readNBytes(100)).isEqualTo(java.util.Arrays.copyOf(content, 100));
                }
            }
            assertThat(read(store, "READ")).isEqualTo(content);
        }
    }

    @Test
    void idsCannotLeaveThePrefix() {
        try (S3BlobStore store = open("mine/")) {
            assertThatThrownBy(() -> store.create("../x")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.open("a/b")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.delete("")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void twoStoresOnOneBucketSeeEachOthersContents() throws Exception {
        byte[] content = bytes(500_000);
        try (S3BlobStore a = open("shared/"); S3BlobStore b = open("shared/"); S3BlobStore apart = open("apart/")) {
            assertThat(a.shared()).isTrue();
            BlobSink sink = a.create("FROMA");
            write(sink, content, 8192);
            sink.commit();
            assertThat(read(b, "FROMA")).isEqualTo(content);
            assertThat(b.listOlderThan(Long.MAX_VALUE)).containsExactly("FROMA");
            assertThat(apart.listOlderThan(Long.MAX_VALUE)).isEmpty();
            b.delete("FROMA");
            assertThatThrownBy(() -> a.open("FROMA")).isInstanceOf(NoSuchFileException.class);
        }
    }

    @Test
    void wrongCredentialsAreAClearErrorAtOpen() {
        S3BlobStore.Location good = s3.location(bucket, "");
        S3BlobStore.Location bad = new S3BlobStore.Location(good.endpoint(), bucket, good.region(), "",
                good.accessKey(), "not-the-secret", true);
        assertThatThrownBy(() -> S3BlobStore.open(bad, spool)).isInstanceOf(StoreException.class)
                .hasMessageContaining("bucket \"" + bucket + "\" at " + s3.endpoint())
                .hasMessageContaining("credentials were refused")
                .hasMessageContaining("SignatureDoesNotMatch");
        S3BlobStore.Location unknown = new S3BlobStore.Location(good.endpoint(), bucket, good.region(), "",
                "nobody", "secret", true);
        assertThatThrownBy(() -> S3BlobStore.open(unknown, spool)).isInstanceOf(StoreException.class)
                .hasMessageContaining("credentials were refused");
    }

    @Test
    void missingBucketIsAClearErrorAtOpen() {
        assertThatThrownBy(() -> S3BlobStore.open(s3.location("no-such-bucket", ""), spool))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("bucket \"no-such-bucket\" at " + s3.endpoint())
                .hasMessageContaining("does not exist")
                .hasMessageContaining("NoSuchBucket");
    }

    @Test
    void unreachableEndpointIsAClearErrorAtOpen() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        S3BlobStore.Location nowhere = new S3BlobStore.Location("http://127.0.0.1:" + closedPort, bucket,
                S3TestServer.REGION, "", S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY, true);
        assertThatThrownBy(() -> S3BlobStore.open(nowhere, spool)).isInstanceOf(StoreException.class)
                .hasMessageContaining("bucket \"" + bucket + "\" at http://127.0.0.1:" + closedPort)
                .hasMessageContaining("refused");
    }
}
