package dev.tern.store.embedded;

import dev.tern.store.StoreException;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A counter of the directory's changes (domains, accounts, aliases) that every process using the
 * same data directory sees at once: eight bytes of a file beside the database, mapped into memory
 * by each process that opens the store (the server, each command-line tool), and moved after
 * every commit that changed the directory. Reading it is a memory read, so the server may check
 * it on an event loop before answering RCPT from what it remembers (docs/adr/0024).
 */
final class DirectoryVersionFile implements AutoCloseable {

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final FileChannel channel;
    private final MappedByteBuffer map;

    DirectoryVersionFile(Path file) {
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            map = channel.map(FileChannel.MapMode.READ_WRITE, 0, Long.BYTES);
        } catch (IOException e) {
            throw new StoreException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    long current() {
        return (long) LONG.getVolatile(map, 0);
    }

    void bump() {
        LONG.getAndAdd(map, 0, 1L);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // the mapping stays valid until collected; nothing to do
        }
    }
}
