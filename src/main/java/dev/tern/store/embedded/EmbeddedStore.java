package dev.tern.store.embedded;

import dev.tern.store.StoreException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The default storage: everything under one data directory, no server to install.
 * {@code data_dir/tern.db} holds the metadata (SQLite, WAL), {@code data_dir/blobs/} the message contents.
 */
public final class EmbeddedStore {

    private EmbeddedStore() {
    }

    public static SqliteMetadataStore openMetadata(Path dataDir, int readConnections) {
        createDataDir(dataDir);
        return new SqliteMetadataStore(dataDir.resolve("tern.db"), readConnections);
    }

    public static FileBlobStore openBlobs(Path dataDir) {
        createDataDir(dataDir);
        return new FileBlobStore(dataDir.resolve("blobs"));
    }

    private static void createDataDir(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new StoreException("cannot create the data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }
}
