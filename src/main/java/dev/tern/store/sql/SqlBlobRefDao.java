package dev.tern.store.sql;

import dev.tern.store.BlobRefDao;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

final class SqlBlobRefDao implements BlobRefDao {

    private final Jdbc db;
    /**
     * The blobs this transaction inserted, with their count as written and as it stands. No other
     * transaction can see them, let alone change their count, before this one commits, so their
     * count is known here: a message enqueued and filed into a mailbox in one transaction takes a
     * reference (+1) and drops the queue's (-1), which cost four statements and now costs none.
     * The count is written when the work ends ({@link #flush}) if it changed.
     */
    private final Map<String, int[]> insertedHere = new HashMap<>(4);
    /** The blobs this transaction inserted with their header section (so none need asking for it). */
    private final Set<String> headerHere = new HashSet<>(4);

    SqlBlobRefDao(Jdbc db) {
        this.db = db;
    }

    /** Writes the counts of the blobs inserted here that changed since. */
    void flush() {
        for (Map.Entry<String, int[]> e : insertedHere.entrySet()) {
            int[] refs = e.getValue();
            if (refs[0] != refs[1]) {
                db.update("UPDATE blobs SET refs = ? WHERE id = ?", refs[1], e.getKey());
                refs[0] = refs[1];
            }
        }
    }

    @Override
    public void insert(String blobId, long size, int refs) {
        db.update("INSERT INTO blobs (id, size, refs) VALUES (?, ?, ?)", blobId, size, refs);
        insertedHere.put(blobId, new int[]{refs, refs});
    }

    @Override
    public void insertInline(String blobId, byte[] data, int refs, byte[] header) {
        db.update("INSERT INTO blobs (id, size, refs, data, header) VALUES (?, ?, ?, ?, ?)",
                blobId, (long) data.length, refs, data, header);
        insertedHere.put(blobId, new int[]{refs, refs});
        if (header != null) {
            headerHere.add(blobId);
        }
    }

    @Override
    public byte[] inlineData(String blobId) {
        return db.one("SELECT data FROM blobs WHERE id = ?", rs -> rs.getBytes(1), blobId).orElse(null);
    }

    @Override
    public int addRefs(String blobId, int delta) {
        int[] here = insertedHere.get(blobId);
        if (here != null) {
            here[1] += delta;
            if (here[1] > 0) {
                return here[1];
            }
            insertedHere.remove(blobId);
            headerHere.remove(blobId);
            db.update("DELETE FROM blobs WHERE id = ?", blobId);
            return 0;
        }
        db.update("UPDATE blobs SET refs = refs + ? WHERE id = ?", delta, blobId);
        int refs = (int) db.count("SELECT refs FROM blobs WHERE id = ?", blobId);
        if (refs <= 0) {
            db.update("DELETE FROM blobs WHERE id = ?", blobId);
            return 0;
        }
        return refs;
    }

    @Override
    public int refs(String blobId) {
        int[] here = insertedHere.get(blobId);
        if (here != null) {
            return here[1];
        }
        return (int) db.count("SELECT refs FROM blobs WHERE id = ?", blobId);
    }

    @Override
    public boolean exists(String blobId) {
        return db.count("SELECT COUNT(*) FROM blobs WHERE id = ?", blobId) > 0;
    }

    @Override
    public boolean setHeader(String blobId, byte[] header) {
        return db.update("UPDATE blobs SET header = ? WHERE id = ?", header, blobId) > 0;
    }

    @Override
    public boolean hasHeader(String blobId) {
        if (headerHere.contains(blobId)) {
            return true;    // inserted with it in this transaction: local delivery right after enqueue
        }
        return db.count("SELECT COUNT(*) FROM blobs WHERE id = ? AND header IS NOT NULL", blobId) > 0;
    }

    @Override
    public String structure(String blobId) {
        return db.one("SELECT structure FROM blobs WHERE id = ?", rs -> rs.getString(1), blobId).orElse(null);
    }

    @Override
    public boolean setStructure(String blobId, String structure) {
        return db.update("UPDATE blobs SET structure = ? WHERE id = ?", structure, blobId) > 0;
    }
}
