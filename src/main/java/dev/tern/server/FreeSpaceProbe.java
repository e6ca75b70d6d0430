package dev.tern.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The free space of the file systems the server writes messages to ({@code data_dir}: the
 * embedded database, message files, the spool of large messages), for the SMTP server's
 * {@code [smtp] min_free_space} check at MAIL.
 *
 * <p>The space is read at most once a second, so that MAIL costs no system call in the common
 * case; on a slow file system the read happens on a session's event loop once a second. While the
 * space is below the reserve, a warning is logged once a minute; when it comes back, once.
 */
final class FreeSpaceProbe {

    private static final Logger log = LoggerFactory.getLogger(FreeSpaceProbe.class);
    static final long READ_EVERY_NANOS = 1_000_000_000L;
    static final long WARN_EVERY_NANOS = 60_000_000_000L;

    /** Reads the usable bytes of one file system. */
    interface Reader {
        long usable(Path dir) throws IOException;
    }

    private final List<Path> dirs;
    private final long reserve;
    private final Reader reader;
    private final LongSupplier nanoTime;
    private volatile long lastFree = Long.MAX_VALUE;
    private volatile long readAt;
    private volatile boolean read;
    private long warnedAt;
    private boolean low;

    FreeSpaceProbe(List<Path> dirs, long reserve) {
        this(dirs, reserve, new FileStoreReader(), System::nanoTime);
    }

    FreeSpaceProbe(List<Path> dirs, long reserve, Reader reader, LongSupplier nanoTime) {
        this.dirs = List.copyOf(dirs);
        this.reserve = reserve;
        this.reader = reader;
        this.nanoTime = nanoTime;
    }

    /** The directories of {@code dataDir} that hold messages, those that exist (the file systems are what count). */
    static List<Path> messageDirs(Path dataDir) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(dataDir);
        for (String sub : List.of("blobs", "spool")) {
            Path p = dataDir.resolve(sub);
            if (Files.isDirectory(p)) {
                dirs.add(p);
            }
        }
        return dirs;
    }

    /** The least free space among the directories, as last read (at most a second ago). */
    long free() {
        long now = nanoTime.getAsLong();
        if (read && now - readAt < READ_EVERY_NANOS) {
            return lastFree;
        }
        synchronized (this) {
            if (!read || now - readAt >= READ_EVERY_NANOS) {
                lastFree = readNow();
                readAt = now;
                read = true;
                report(lastFree, now);
            }
            return lastFree;
        }
    }

    private long readNow() {
        long least = Long.MAX_VALUE;
        for (Path dir : dirs) {
            try {
                least = Math.min(least, reader.usable(dir));
            } catch (IOException | RuntimeException e) {
                // A directory that cannot be examined does not stop the mail; its writes will tell.
                log.debug("cannot read the free space of {}: {}", dir, e.toString());
            }
        }
        return least;
    }

    private void report(long free, long now) {
        if (free < reserve) {
            if (!low || now - warnedAt >= WARN_EVERY_NANOS) {
                log.warn("only {} bytes free where messages are stored ({}), less than [smtp] min_free_space ({}): "
                        + "new mail is refused with 452 4.3.1 until there is more", free, dirs.get(0), reserve);
                warnedAt = now;
            }
            low = true;
        } else if (low) {
            log.info("{} bytes free where messages are stored ({}) again: new mail is accepted", free, dirs.get(0));
            low = false;
        }
    }

    /**
     * Reads through each directory's {@link FileStore}, found once: finding it parses the mount
     * table, while reading its space is one {@code statvfs}.
     */
    private static final class FileStoreReader implements Reader {
        private final java.util.Map<Path, FileStore> stores = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public long usable(Path dir) throws IOException {
            FileStore store = stores.get(dir);
            if (store == null) {
                store = Files.getFileStore(dir);
                stores.put(dir, store);
            }
            return store.getUsableSpace();
        }
    }
}
