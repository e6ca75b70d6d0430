package dev.tern.store;

/**
 * Stored contents: where each is (inline in the metadata, or in the blob store) and its reference
 * count (the queue entry and every mailbox message holding one).
 */
public interface BlobRefDao {

    /** Records a content kept in the blob store. */
    void insert(String blobId, long size, int refs);

    /** Records a small content kept in this row itself, committed with the transaction. */
    default void insertInline(String blobId, byte[] data, int refs) {
        insertInline(blobId, data, refs, null);
    }

    /**
     * Records a small content kept in this row itself, with its top-level header section for the
     * index ({@link #setHeader}); {@code header} null when not known.
     */
    void insertInline(String blobId, byte[] data, int refs, byte[] header);

    /** The content of an inline blob; null when the blob is in the blob store (or unknown). */
    byte[] inlineData(String blobId);

    /** Adds {@code delta} (possibly negative) to the count; at zero the row is removed. Returns the new count. */
    int addRefs(String blobId, int delta);

    boolean exists(String blobId);

    /** The reference count, 0 when the blob is unknown. */
    int refs(String blobId);

    /**
     * The parsed structure kept for a content by the IMAP layer, or null when none is kept (or the
     * blob is unknown). Offsets in it count from the start of the blob.
     */
    String structure(String blobId);

    /** Keeps a content's top-level header section; false when the blob is unknown. */
    boolean setHeader(String blobId, byte[] header);

    /** True when the content's header section is kept. */
    boolean hasHeader(String blobId);

    /** Keeps a content's parsed structure; false when the blob is unknown. */
    boolean setStructure(String blobId, String structure);
}
