package dev.tern.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

/**
 * Immutable message contents, keyed by id. Contents are written once through a {@link BlobSink}
 * and never changed; metadata rows refer to them and count their references, and a blob is deleted
 * when the last reference goes.
 */
public interface BlobStore extends AutoCloseable {

    /** Starts a new content under the given id (unique, chosen by the caller: the queue id). */
    BlobSink create(String id);

    InputStream open(String id) throws IOException;

    void delete(String id) throws IOException;

    /**
     * Ids of contents written before {@code olderThanMillis}: the candidates for the orphan sweep
     * (a content whose metadata never committed, because of a crash or an aborted transaction).
     */
    Set<String> listOlderThan(long olderThanMillis) throws IOException;

    /**
     * True when other nodes may write contents to this store at the same time: a content that no
     * row of this node's metadata refers to yet may then be another node's, whose row is about to
     * commit.
     */
    default boolean shared() {
        return false;
    }

    @Override
    void close();
}
