package dev.tern.server;

import dev.tern.config.StoreSettings;
import dev.tern.config.TernConfig;
import dev.tern.store.BlobStore;
import dev.tern.store.MetadataStore;
import dev.tern.store.embedded.EmbeddedStore;
import dev.tern.store.postgres.PostgresMetadataStore;
import dev.tern.store.s3.S3BlobStore;

/** Opens the metadata and blob stores that {@code [store]} names. */
final class StoreOpener {

    private StoreOpener() {
    }

    /**
     * @param readConnections connections for concurrent reads, where the backend keeps a fixed set
     *                        (the embedded store; PostgreSQL's pool has {@code pool_size})
     */
    static MetadataStore metadata(TernConfig config, int readConnections) {
        StoreSettings s = config.store();
        return switch (s.metadata()) {
            case EMBEDDED -> EmbeddedStore.openMetadata(config.dataDir(), readConnections);
            case POSTGRES -> new PostgresMetadataStore(s.postgres().url(), s.postgres().user(), s.postgres().password(),
                    s.postgres().poolSize());
        };
    }

    static BlobStore blobs(TernConfig config) {
        StoreSettings s = config.store();
        return switch (s.blobs()) {
            case FILES -> EmbeddedStore.openBlobs(config.dataDir());
            case S3 -> {
                StoreSettings.S3 c = s.s3();
                yield S3BlobStore.open(new S3BlobStore.Location(c.endpoint(), c.bucket(), c.region(), c.prefix(),
                        c.accessKey(), c.secretKey(), c.pathStyle()), config.dataDir().resolve("spool"));
            }
        };
    }
}
