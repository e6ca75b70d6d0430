package dev.tern.store.s3;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;

/**
 * An S3-compatible server in the test's process: s3proxy on 127.0.0.1 at an ephemeral port, over
 * an in-memory store ({@link #start()}) or a directory ({@link #start(Path)}), with fixed
 * credentials. Several Tern servers pointed at one instance share its buckets, as nodes share a
 * bucket in production.
 *
 * <pre>{@code
 * try (S3TestServer s3 = S3TestServer.start()) {
 *     s3.createBucket("mail");
 *     String config = s3.storeToml("mail", "node-test/");   // appended to a Tern config
 * }
 * }</pre>
 */
public final class S3TestServer implements AutoCloseable {

    public static final String ACCESS_KEY = "tern-test";
    public static final String SECRET_KEY = "tern-test-secret-key";
    public static final String REGION = "us-east-1";

    private final S3Proxy proxy;
    private final S3Client client;

    private S3TestServer(S3Proxy proxy) {
        this.proxy = proxy;
        this.client = S3Client.builder()
                .endpointOverride(URI.create(endpoint()))
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /** A server whose objects live in memory, gone when it stops. */
    public static S3TestServer start() {
        return start(new Properties(), "transient");
    }

    /** A server whose buckets are directories under {@code dir}, which outlive it. */
    public static S3TestServer start(Path dir) {
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
        return start(p, "filesystem");
    }

    private static S3TestServer start(Properties properties, String provider) {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(BlobStores.create(provider, properties))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
                }
                Thread.sleep(10);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot start s3proxy: " + e, e);
        }
        return new S3TestServer(proxy);
    }

    /** {@code http://127.0.0.1:PORT} */
    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    public int port() {
        return proxy.getPort();
    }

    /** A client with the server's credentials, to look at what the store wrote. */
    public S3Client client() {
        return client;
    }

    public S3TestServer createBucket(String bucket) {
        client.createBucket(r -> r.bucket(bucket));
        return this;
    }

    /** Where an {@link S3BlobStore} finds {@code bucket} here, with the right credentials. */
    public S3BlobStore.Location location(String bucket, String prefix) {
        return new S3BlobStore.Location(endpoint(), bucket, REGION, prefix, ACCESS_KEY, SECRET_KEY, true);
    }

    /** The {@code [store]} and {@code [store.s3]} tables of a Tern config that keeps its contents in {@code bucket}. */
    public String storeToml(String bucket, String prefix) {
        return "[store]\n"
                + "blobs = \"s3\"\n"
                + "[store.s3]\n"
                + "endpoint = \"" + endpoint() + "\"\n"
                + "bucket = \"" + bucket + "\"\n"
                + "region = \"" + REGION + "\"\n"
                + "prefix = \"" + prefix + "\"\n"
                + "access_key = \"" + ACCESS_KEY + "\"\n"
                + "secret_key = \"" + SECRET_KEY + "\"\n"
                + "path_style = true\n";
    }

    @Override
    public void close() {
        client.close();
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop s3proxy: " + e, e);
        }
    }
}
