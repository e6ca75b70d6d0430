package dev.tern.store.embedded;

import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A consistent copy of an embedded store, made while the server runs: the database as one
 * snapshot ({@code VACUUM INTO}, a read transaction that never holds up the writer) and the
 * message files it refers to.
 *
 * <p>Files are written once, at their final name, and removed when the last message that refers
 * to them goes. So the files are copied before the snapshot (the bulk), and once more after it:
 * the second pass takes the files stored meanwhile, and copies again any that was still being
 * written the first time (its size differs). What the snapshot refers to was complete when it was
 * taken; the only file it can lack is one whose messages were all deleted between the snapshot and
 * the second pass, which {@link Result#missing} names.
 */
public final class EmbeddedBackup {

    /**
     * What a backup holds.
     *
     * @param databaseBytes the size of the copied database
     * @param files         message files copied
     * @param fileBytes     their size
     * @param missing       contents the database refers to and the copy lacks (deleted while it ran)
     */
    public record Result(long databaseBytes, int files, long fileBytes, List<String> missing) {
    }

    private EmbeddedBackup() {
    }

    /**
     * Copies {@code dataDir} into {@code target}, which must not exist or be empty.
     *
     * @param withFiles false when the contents are kept elsewhere (S3): the database only
     * @throws IllegalArgumentException when there is no database to copy or the target is not empty
     */
    public static Result run(Path dataDir, Path target, boolean withFiles) throws IOException {
        Path database = dataDir.resolve("tern.db");
        if (!Files.isRegularFile(database)) {
            throw new IllegalArgumentException("no database at " + database + ": nothing to back up");
        }
        prepare(target);
        Path blobs = dataDir.resolve("blobs");
        Path copiedBlobs = target.resolve("blobs");
        long[] copied = new long[2];
        if (withFiles) {
            copyFiles(blobs, copiedBlobs, copied);
        }
        Path copiedDatabase = target.resolve("tern.db");
        snapshot(database, copiedDatabase);
        List<String> missing = List.of();
        if (withFiles) {
            copyFiles(blobs, copiedBlobs, copied);
            missing = missingFiles(copiedDatabase, new FileBlobStore(copiedBlobs));
        }
        // The self-signed certificate, so that clients that accepted it need not accept another;
        // the ACME account key and certificate, so that a restored server is the same account and
        // serves a trusted certificate from its first connection.
        for (String dir : List.of("tls", "acme")) {
            Path keys = dataDir.resolve(dir);
            if (Files.isDirectory(keys)) {
                copyFiles(keys, target.resolve(dir), new long[2]);
            }
        }
        return new Result(Files.size(copiedDatabase), (int) copied[0], copied[1], missing);
    }

    private static void prepare(Path target) throws IOException {
        if (Files.exists(target)) {
            try (Stream<Path> entries = Files.list(target)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(target + " is not empty: back up into a new directory");
                }
            }
        }
        Files.createDirectories(target);
    }

    /** Copies the files under {@code from} that {@code to} lacks or has with another size. */
    private static void copyFiles(Path from, Path to, long[] copied) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(from)) {
            files = walk.filter(Files::isRegularFile).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (Path f : files) {
            Path copy = to.resolve(from.relativize(f).toString());
            try {
                long size = Files.size(f);
                if (Files.exists(copy) && Files.size(copy) == size) {
                    continue;
                }
                Files.createDirectories(copy.getParent());
                Files.copy(f, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                copied[0]++;
                copied[1] += size;
            } catch (NoSuchFileException | FileAlreadyExistsException e) {
                // removed since the walk: its messages are gone
            }
        }
    }

    private static void snapshot(Path database, Path copy) throws IOException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(30_000);
        try (Connection c = config.createConnection("jdbc:sqlite:" + database);
             PreparedStatement vacuum = c.prepareStatement("VACUUM INTO ?")) {
            vacuum.setString(1, copy.toString());
            vacuum.execute();
        } catch (SQLException e) {
            throw new IOException("cannot copy the database " + database + ": " + e.getMessage(), e);
        }
    }

    /** Contents kept as files that the copied database refers to and the copy lacks. */
    private static List<String> missingFiles(Path database, FileBlobStore copies) throws IOException {
        List<String> missing = new ArrayList<>();
        try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + database);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM blobs WHERE data IS NULL")) {
            while (rs.next()) {
                String id = rs.getString(1);
                if (!Files.exists(copies.pathOf(id))) {
                    missing.add(id);
                }
            }
        } catch (SQLException e) {
            throw new IOException("cannot read the copied database " + database + ": " + e.getMessage(), e);
        }
        return missing;
    }
}
