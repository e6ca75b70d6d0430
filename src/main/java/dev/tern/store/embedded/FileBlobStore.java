package dev.tern.store.embedded;

import dev.tern.store.BlobSink;
import dev.tern.store.BlobStore;
import dev.tern.store.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.Set;

/**
 * Message contents as files under {@code data_dir/blobs/XX/ID}, where XX spreads ids over 256
 * directories. A content is written once and fsync'd, file and directory, before
 * {@link BlobSink#commit} returns; it is never modified afterwards.
 */
public final class FileBlobStore implements BlobStore {

    /** Contents up to this size are kept in memory until commit; larger ones spill to their file as they arrive. */
    static final int MEMORY_LIMIT = 256 * 1024;

    private final Path root;
    /** The 256 directories, made once: formatting a bucket's name cost more than the rest of a small message's sink. */
    private final Path[] buckets = new Path[256];

    public FileBlobStore(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
            for (int i = 0; i < 256; i++) {
                buckets[i] = root.resolve(String.format("%02x", i));
                Files.createDirectories(buckets[i]);
            }
            fsyncDirectory(root);
        } catch (IOException e) {
            throw new StoreException("cannot create the message directory " + root + ": " + e.getMessage(), e);
        }
    }

    Path pathOf(String id) {
        dev.tern.store.BlobIds.check(id);
        int bucket = (id.hashCode() & 0x7fffffff) % 256;
        return buckets[bucket].resolve(id);
    }

    @Override
    public BlobSink create(String id) {
        return new FileSink(id, pathOf(id));
    }

    @Override
    public InputStream open(String id) throws IOException {
        return Files.newInputStream(pathOf(id));
    }

    @Override
    public void delete(String id) throws IOException {
        Files.deleteIfExists(pathOf(id));
    }

    @Override
    public Set<String> listOlderThan(long olderThanMillis) throws IOException {
        Set<String> ids = new HashSet<>();
        try (DirectoryStream<Path> buckets = Files.newDirectoryStream(root)) {
            for (Path bucket : buckets) {
                if (!Files.isDirectory(bucket)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(bucket)) {
                    for (Path f : files) {
                        FileTime t = Files.getLastModifiedTime(f);
                        if (t.toMillis() < olderThanMillis) {
                            ids.add(f.getFileName().toString());
                        }
                    }
                }
            }
        }
        return ids;
    }

    @Override
    public void close() {
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Buffers small contents, spills large ones, and makes them durable on commit. */
    private static final class FileSink implements BlobSink {
        private final String id;
        private final Path path;
        private dev.tern.store.SmallContent memory = new dev.tern.store.SmallContent(MEMORY_LIMIT);
        private FileChannel file;
        /** Whether the file was made: a content kept in memory (and taken inline) never touches the disk. */
        private boolean created;
        private long size;
        private boolean done;

        FileSink(String id, Path path) {
            this.id = id;
            this.path = path;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public void write(ByteBuffer data) throws IOException {
            if (done) {
                throw new IllegalStateException("blob " + id + " already committed or aborted");
            }
            size += data.remaining();
            if (file == null && memory.append(data)) {
                return;
            }
            if (file == null) {
                file = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                created = true;
                flushMemory();
            }
            while (data.hasRemaining()) {
                file.write(data);
            }
        }

        private void flushMemory() throws IOException {
            memory.writeTo(file);
            memory = null;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public byte[] memoryContent(int max) {
            if (done || file != null || memory == null || memory.length() > max) {
                return null;
            }
            return memory.bytes();
        }

        @Override
        public void commit() throws IOException {
            if (done) {
                throw new IllegalStateException("blob " + id + " already committed or aborted");
            }
            try {
                if (file == null) {
                    file = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                created = true;
                    flushMemory();
                }
                file.force(false);
                file.close();
                file = null;
                fsyncDirectory(path.getParent());
                done = true;
            } catch (IOException | RuntimeException e) {
                abort();
                throw e;
            }
        }

        @Override
        public void abort() {
            if (done) {
                return;
            }
            done = true;
            memory = null;
            try {
                if (file != null) {
                    file.close();
                }
                if (created) {
                    Files.deleteIfExists(path);
                }
            } catch (NoSuchFileException ignored) {
                // nothing to remove
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                file = null;
            }
        }
    }
}
