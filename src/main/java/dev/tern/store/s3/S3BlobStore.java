package dev.tern.store.s3;

import dev.tern.store.BlobSink;
import dev.tern.store.BlobStore;
import dev.tern.store.StoreException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Message contents as objects {@code prefix + id} in an S3-compatible bucket, which several nodes
 * may share. A content is stored by one PutObject when it is smaller than a part, else by a
 * multipart upload whose parts go up while the message is still arriving (see {@link S3Sink}).
 * {@link BlobSink#commit} returns once S3 has acknowledged the object, which S3 stores durably
 * before it answers.
 *
 * <p>The client is synchronous and blocking: every call but {@link BlobSink#write} and
 * {@link BlobSink#abort} (which only touch memory and a local spool file, and hand network work to
 * the store's upload threads) belongs on a storage thread. Failed calls are retried by the SDK's
 * standard retry mode.
 */
public final class S3BlobStore implements BlobStore {

    /** Contents up to this size stay in memory until commit, as in the file store. */
    static final int MEMORY_LIMIT = 256 * 1024;
    /** Size of a multipart upload's parts (S3 wants at least 5 MiB for all but the last, at most 10,000 parts). */
    static final int PART_SIZE = 8 * 1024 * 1024;
    /** Threads uploading parts of contents still being received, over all sinks. */
    private static final int UPLOAD_THREADS = 8;
    /** Connections to S3 at most: the storage threads and the upload threads. */
    private static final int MAX_CONNECTIONS = 128;

    /**
     * Where the bucket is and how to sign for it.
     *
     * @param endpoint  the service's URL, or empty for AWS's endpoint of the region
     * @param bucket    the bucket, which must exist
     * @param region    the region requests are signed for
     * @param prefix    prepended to every key ("" for none)
     * @param accessKey access key id, or null for the SDK's default credential chain
     * @param secretKey secret access key, or null
     * @param pathStyle address the bucket in the path rather than in the host name
     */
    public record Location(String endpoint, String bucket, String region, String prefix, String accessKey,
                           String secretKey, boolean pathStyle) {

        /** The bucket and where it is, for messages. */
        String describe() {
            return "bucket \"" + bucket + "\" at " + (endpoint.isEmpty() ? "AWS S3 (" + region + ")" : endpoint);
        }
    }

    private final S3Client s3;
    private final Location location;
    private final Path spoolDir;
    private final int partSize;
    private final ExecutorService uploads;

    private S3BlobStore(S3Client s3, Location location, Path spoolDir, int partSize) {
        this.s3 = s3;
        this.location = location;
        this.spoolDir = spoolDir;
        this.partSize = partSize;
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(UPLOAD_THREADS, UPLOAD_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "tern-s3-upload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        this.uploads = pool;
    }

    /**
     * Connects to the bucket and checks that it can be listed with the credentials given.
     *
     * @param spoolDir where contents larger than {@link #MEMORY_LIMIT} are kept while they arrive
     *                 (unnamed files, gone when closed or when the process ends)
     * @throws StoreException naming the bucket, the endpoint and what S3 answered, when the bucket
     *                        is missing, the credentials are refused or the endpoint cannot be reached
     */
    public static S3BlobStore open(Location location, Path spoolDir) {
        return open(location, spoolDir, PART_SIZE);
    }

    static S3BlobStore open(Location location, Path spoolDir, int partSize) {
        try {
            Files.createDirectories(spoolDir);
        } catch (IOException e) {
            throw new StoreException("cannot create the spool directory " + spoolDir + ": " + e.getMessage(), e);
        }
        S3Client client = client(location);
        S3BlobStore store = new S3BlobStore(client, location, spoolDir, partSize);
        try {
            store.check();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    private static S3Client client(Location l) {
        AwsCredentialsProvider credentials = l.accessKey() == null
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(l.accessKey(), l.secretKey()));
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(l.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(l.pathStyle())
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(MAX_CONNECTIONS)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD));
        if (!l.endpoint().isEmpty()) {
            b.endpointOverride(URI.create(l.endpoint()));
            // Checksums only where S3 requires them: many S3-compatible stores refuse the trailing
            // checksums the SDK sends to AWS by default. TLS protects the bytes on the way.
            b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return b.build();
    }

    /** Lists at most one key under the prefix: proves the bucket, the credentials and the ListBucket right. */
    private void check() {
        try {
            s3.listObjectsV2(r -> r.bucket(location.bucket()).prefix(location.prefix()).maxKeys(1));
        } catch (SdkException e) {
            throw new StoreException(describeFailure("cannot use", e), e);
        }
    }

    String describeFailure(String what, SdkException e) {
        String where = location.describe();
        if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
            String code = ase.awsErrorDetails().errorCode();
            String message = ase.awsErrorDetails().errorMessage();
            String said = "S3 answered " + ase.statusCode() + (code == null ? "" : " " + code)
                    + (message == null ? "" : ": " + message);
            if ("NoSuchBucket".equals(code) || (code == null && ase.statusCode() == 404)) {
                return what + " " + where + ": the bucket does not exist (" + said + ")";
            }
            if ("InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code)) {
                return what + " " + where + ": the credentials were refused, check access_key and secret_key (" + said + ")";
            }
            if ("AccessDenied".equals(code) || ase.statusCode() == 403) {
                return what + " " + where + ": access denied to these credentials (" + said + ")";
            }
            return what + " " + where + ": " + said;
        }
        return what + " " + where + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
    }

    String key(String id) {
        return location.prefix() + dev.tern.store.BlobIds.check(id);
    }

    S3Client client() {
        return s3;
    }

    String bucket() {
        return location.bucket();
    }

    Path spoolDir() {
        return spoolDir;
    }

    int partSize() {
        return partSize;
    }

    ExecutorService uploads() {
        return uploads;
    }

    @Override
    public BlobSink create(String id) {
        return new S3Sink(this, id, key(id));
    }

    /** The object's content, streamed; a stream closed before its end drops its connection rather than read the rest. */
    @Override
    public InputStream open(String id) throws IOException {
        String key = key(id);
        ResponseInputStream<GetObjectResponse> response;
        try {
            response = s3.getObject(r -> r.bucket(location.bucket()).key(key));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(key, null, "no such object in " + location.describe());
        } catch (SdkException e) {
            throw new IOException(describeFailure("cannot read " + key + " from", e), e);
        }
        return new FilterInputStream(response) {
            private boolean ended;

            @Override
            public int read() throws IOException {
                int b = super.read();
                ended |= b < 0;
                return b;
            }

            @Override
            public int read(byte[] buffer, int off, int len) throws IOException {
                int n = super.read(buffer, off, len);
                ended |= n < 0;
                return n;
            }

            @Override
            public void close() throws IOException {
                if (!ended) {
                    response.abort();
                }
                super.close();
            }
        };
    }

    @Override
    public void delete(String id) throws IOException {
        String key = key(id);
        try {
            s3.deleteObject(r -> r.bucket(location.bucket()).key(key));
        } catch (SdkException e) {
            throw new IOException(describeFailure("cannot delete " + key + " from", e), e);
        }
    }

    /** Objects under the prefix whose name is a blob id, by their LastModified time (S3's clock). */
    @Override
    public Set<String> listOlderThan(long olderThanMillis) throws IOException {
        Set<String> ids = new HashSet<>();
        String prefix = location.prefix();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(location.bucket()).prefix(prefix)).contents()) {
                String id = o.key().substring(prefix.length());
                if (dev.tern.store.BlobIds.isValid(id) && o.lastModified().toEpochMilli() < olderThanMillis) {
                    ids.add(id);
                }
            }
        } catch (SdkException e) {
            throw new IOException(describeFailure("cannot list", e), e);
        }
        return ids;
    }


    /** Other nodes may write to the same bucket. */
    @Override
    public boolean shared() {
        return true;
    }

    /** Lets the aborts of unfinished uploads go out (for a few seconds at most), then closes the client. */
    @Override
    public void close() {
        uploads.shutdown();
        try {
            uploads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        uploads.shutdownNow();
        s3.close();
    }
}
