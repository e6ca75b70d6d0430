package dev.tern.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where Tern keeps its state ({@code [store]}): the metadata store (domains, accounts, queue,
 * mailbox index, events) and the blob store (message contents).
 *
 * <p>The default, {@code embedded} + {@code files}, keeps everything under {@code data_dir} and
 * needs no server. Several nodes share one installation with {@code postgres} + {@code s3}: every
 * node is then stateless and the queue is leased row by row, so that each delivery runs on exactly
 * one node.
 *
 * @param metadata what holds the metadata
 * @param blobs    what holds the message contents
 * @param lease    how long a node owns a queue recipient it is delivering before another node may
 *                 take it over; the owner renews it while the delivery runs, so it only bounds
 *                 how long a dead node's deliveries wait
 * @param postgres the PostgreSQL database ({@code [store.postgres]}), when {@code metadata = "postgres"}
 * @param s3       the S3-compatible bucket ({@code [store.s3]}), when {@code blobs = "s3"}
 */
public record StoreSettings(Metadata metadata, Blobs blobs, Duration lease, Postgres postgres, S3 s3) {

    /** The metadata store. */
    public enum Metadata {
        /** SQLite in WAL mode under {@code data_dir}: one node. */
        EMBEDDED,
        /** A PostgreSQL database, which several nodes may share. */
        POSTGRES
    }

    /** The blob store. */
    public enum Blobs {
        /** Files under {@code data_dir/blobs}: one node. */
        FILES,
        /** An S3-compatible object store, which several nodes may share. */
        S3
    }

    /**
     * @param url      JDBC URL, such as {@code jdbc:postgresql://db.example.net:5432/tern}
     * @param user     database role
     * @param password its password (from {@code password} or {@code password_file}), or null for
     *                 none (peer, certificate or trust authentication)
     * @param poolSize connections this node keeps open at most
     */
    public record Postgres(String url, String user, String password, int poolSize) {
    }

    /**
     * @param endpoint  the service's URL, such as {@code https://s3.eu-west-1.amazonaws.com} or
     *                  {@code http://127.0.0.1:9000}; empty for AWS's default for the region
     * @param bucket    the bucket (it must exist)
     * @param region    the region the client signs for
     * @param prefix    a key prefix, so that several installations can share a bucket ("" for none)
     * @param accessKey access key id, or null for the SDK's default credential chain
     * @param secretKey secret access key (from {@code secret_key} or {@code secret_key_file}), or null
     * @param pathStyle address the bucket in the path ({@code endpoint/bucket/key}) rather than in the
     *                  host name: what MinIO, Ceph and most self-hosted stores need
     */
    public record S3(String endpoint, String bucket, String region, String prefix, String accessKey,
                     String secretKey, boolean pathStyle) {
    }

    public static StoreSettings defaults() {
        return new StoreSettings(Metadata.EMBEDDED, Blobs.FILES, Duration.ofMinutes(5), null, null);
    }

    /** True when other nodes may share this store: leases and events must then go through it. */
    public boolean shared() {
        return metadata == Metadata.POSTGRES;
    }

    static StoreSettings read(ConfigNode n, Path base) {
        StoreSettings d = defaults();
        Metadata metadata = switch (n.string("metadata", "embedded")) {
            case "embedded" -> Metadata.EMBEDDED;
            case "postgres" -> Metadata.POSTGRES;
            default -> throw new ConfigException(n.key("metadata") + ": expected \"embedded\" or \"postgres\", got \""
                    + n.string("metadata", "") + "\"");
        };
        Blobs blobs = switch (n.string("blobs", "files")) {
            case "files" -> Blobs.FILES;
            case "s3" -> Blobs.S3;
            default -> throw new ConfigException(n.key("blobs") + ": expected \"files\" or \"s3\", got \""
                    + n.string("blobs", "") + "\"");
        };
        Duration lease = n.duration("lease", d.lease());
        if (lease.compareTo(Duration.ofSeconds(1)) < 0 || lease.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigException(n.key("lease") + ": between 1s and 1h, got " + lease);
        }
        ConfigNode pg = n.table("postgres");
        Postgres postgres = null;
        if (metadata == Metadata.POSTGRES) {
            String url = pg.string("url", null);
            if (url == null || !url.startsWith("jdbc:postgresql:")) {
                throw new ConfigException(pg.key("url") + ": metadata = \"postgres\" needs a JDBC URL such as "
                        + "\"jdbc:postgresql://127.0.0.1:5432/tern\"" + (url == null ? "" : ", got \"" + url + "\""));
            }
            int pool = pg.positiveInt("pool_size", 16);
            if (pool > 1000) {
                throw new ConfigException(pg.key("pool_size") + ": at most 1000, got " + pool);
            }
            postgres = new Postgres(url, pg.string("user", null), secret(pg, "password", base), pool);
        } else if (!pg.presentKeys().isEmpty()) {
            throw new ConfigException(n.key("postgres") + ": set, but metadata is \"embedded\"; add metadata = \"postgres\" to [store] to use it");
        }
        ConfigNode s3n = n.table("s3");
        S3 s3 = null;
        if (blobs == Blobs.S3) {
            String bucket = s3n.string("bucket", "");
            if (bucket.isEmpty()) {
                throw new ConfigException(s3n.key("bucket") + ": blobs = \"s3\" needs the bucket's name");
            }
            String endpoint = s3n.string("endpoint", "");
            if (!endpoint.isEmpty() && !endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
                throw new ConfigException(s3n.key("endpoint") + ": expected a URL such as \"https://s3.example.net\", got \"" + endpoint + "\"");
            }
            String accessKey = s3n.string("access_key", null);
            String secretKey = secret(s3n, "secret_key", base);
            if ((accessKey == null) != (secretKey == null)) {
                throw new ConfigException(s3n.key(accessKey == null ? "access_key" : "secret_key")
                        + ": give access_key and secret_key together (or neither, for the default credential chain)");
            }
            String prefix = s3n.string("prefix", "");
            if (prefix.startsWith("/")) {
                throw new ConfigException(s3n.key("prefix") + ": must not start with \"/\", got \"" + prefix + "\"");
            }
            s3 = new S3(endpoint, bucket, s3n.string("region", "us-east-1"), prefix, accessKey, secretKey,
                    s3n.bool("path_style", !endpoint.isEmpty()));
        } else if (!s3n.presentKeys().isEmpty()) {
            throw new ConfigException(n.key("s3") + ": set, but blobs is \"files\"; add blobs = \"s3\" to [store] to use it");
        }
        return new StoreSettings(metadata, blobs, lease, postgres, s3);
    }

    /** A secret given inline ({@code name}) or in a file ({@code name_file}), or null. */
    private static String secret(ConfigNode n, String name, Path base) {
        String inline = n.string(name, null);
        String file = n.string(name + "_file", null);
        if (inline != null && file != null) {
            throw new ConfigException(n.key(name + "_file") + ": give either " + name + " or " + name + "_file, not both");
        }
        if (file == null) {
            return inline;
        }
        Path p = base.resolve(file);
        try {
            return java.nio.file.Files.readString(p).strip();
        } catch (java.io.IOException e) {
            throw new ConfigException(n.key(name + "_file") + ": cannot read " + p + ": " + e.getMessage());
        }
    }
}
