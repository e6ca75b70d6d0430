package dev.tern.store;

/** Reference counts of stored contents: the queue and every mailbox message holding one count. */
public interface BlobRefDao {

    void insert(String blobId, long size, int refs);

    /** Adds {@code delta} (possibly negative) to the count; at zero the row is removed. Returns the new count. */
    int addRefs(String blobId, int delta);

    boolean exists(String blobId);
}
