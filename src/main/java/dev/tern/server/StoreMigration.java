package dev.tern.server;

import dev.tern.config.StoreSettings;
import dev.tern.config.TernConfig;
import dev.tern.store.BlobSink;
import dev.tern.store.BlobStore;
import dev.tern.store.StoreException;
import dev.tern.store.embedded.EmbeddedStore;
import dev.tern.store.sql.TableCopy;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Moves an installation from the embedded store to the one the configuration names: the SQLite
 * database under {@code data_dir} into {@code [store.postgres]}, and, when {@code blobs = "s3"},
 * the message files under {@code data_dir/blobs} into the bucket. The server must be stopped. The
 * target database must be empty; the source is left as it was, so a failed or regretted
 * migration is undone by pointing the configuration back at it.
 */
public final class StoreMigration {

    private StoreMigration() {
    }

    public static void run(TernConfig config, PrintWriter out) throws IOException {
        StoreSettings store = config.store();
        if (store.metadata() != StoreSettings.Metadata.POSTGRES) {
            throw new IllegalArgumentException("the configuration's [store] metadata is \"embedded\": set metadata = "
                    + "\"postgres\" and [store.postgres] url, user and password to say where to copy to");
        }
        java.nio.file.Path database = config.dataDir().resolve("tern.db");
        if (!Files.isRegularFile(database)) {
            throw new IllegalArgumentException("no embedded database at " + database + " (data_dir): nothing to copy");
        }
        java.nio.file.Path lockFile = config.dataDir().resolve("tern.lock");
        try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(lockFile,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
            if (lock.tryLock() == null) {
                throw new IllegalArgumentException("a Tern server is running on " + config.dataDir()
                        + ": stop it before migrating, or mail received meanwhile would be left behind");
            }
            copy(config, database, out);
        }
    }

    private static void copy(TernConfig config, java.nio.file.Path database, PrintWriter out) throws IOException {
        StoreSettings store = config.store();
        // Brings both databases to this version's schema, so that their tables match.
        EmbeddedStore.openMetadata(config.dataDir(), 1).close();
        StoreOpener.metadata(config, 1).close();

        StoreSettings.Postgres pg = store.postgres();
        Properties props = dev.tern.store.postgres.PostgresMetadataStore.driverProperties(pg.user(), pg.password(),
                java.time.Duration.ofSeconds(30));
        List<String> fileBlobs = new ArrayList<>();
        try (Connection source = DriverManager.getConnection("jdbc:sqlite:" + database.toAbsolutePath());
             Connection target = DriverManager.getConnection(pg.url(), props)) {
            TableCopy.Result copied = TableCopy.copy(source, target);
            copied.rows().forEach((table, rows) -> {
                if (rows > 0) {
                    out.printf("%-24s %d rows%n", table, rows);
                }
            });
            out.println("copied " + copied.total() + " rows into " + pg.url());
            if (store.blobs() == StoreSettings.Blobs.S3) {
                try (Statement s = source.createStatement();
                     ResultSet rs = s.executeQuery("SELECT id FROM blobs WHERE data IS NULL ORDER BY id")) {
                    while (rs.next()) {
                        fileBlobs.add(rs.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot copy the database: " + e.getMessage(), e);
        }
        if (!fileBlobs.isEmpty()) {
            copyBlobs(config, fileBlobs, out);
        }
        out.println("done: start the server with this configuration; " + database
                + " is no longer used and can be archived");
        out.flush();
    }

    private static void copyBlobs(TernConfig config, List<String> ids, PrintWriter out) throws IOException {
        try (BlobStore from = EmbeddedStore.openBlobs(config.dataDir()); BlobStore to = StoreOpener.blobs(config)) {
            byte[] buffer = new byte[64 * 1024];
            long bytes = 0;
            for (String id : ids) {
                BlobSink sink = to.create(id);
                try (InputStream in = from.open(id)) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        sink.write(ByteBuffer.wrap(buffer, 0, n));
                    }
                    bytes += sink.size();
                    sink.commit();
                } catch (IOException | RuntimeException e) {
                    sink.abort();
                    throw new IOException("copying message content " + id + ": " + e.getMessage(), e);
                }
            }
            out.println("copied " + ids.size() + " message contents (" + bytes + " bytes) into the object store");
        }
    }
}
