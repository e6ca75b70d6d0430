package dev.tern.net.tls;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Certificates and keys written to disk so that a reader (the TLS context, another process) sees
 * the old file or the new one, never half of one: the text goes to a file beside its place, on
 * stable storage, and is renamed into place. Keys are readable by their owner only.
 */
public final class KeyFiles {

    private KeyFiles() {
    }

    /** Replaces {@code target} with {@code text} whole; {@code secret}: owner-only. */
    public static void writeWhole(Path target, String text, boolean secret) throws IOException {
        moveIntoPlace(writeAside(target, text, secret), target);
        syncDirectory(target.getParent());
    }

    /**
     * Writes {@code text} to a file beside {@code target}, synced, for {@link #moveIntoPlace}; the
     * folder is made if needed.
     */
    public static Path writeAside(Path target, String text, boolean secret) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (secret && tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        return tmp;
    }

    /** Renames a file written by {@link #writeAside} into place. */
    public static void moveIntoPlace(Path written, Path target) throws IOException {
        try {
            Files.move(written, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(written, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes the renames in {@code dir} durable, where the file system can. */
    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the rename is still atomic.
        }
    }
}
