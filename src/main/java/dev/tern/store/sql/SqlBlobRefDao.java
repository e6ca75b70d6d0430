package dev.tern.store.sql;

import dev.tern.store.BlobRefDao;

final class SqlBlobRefDao implements BlobRefDao {

    private final Jdbc db;

    SqlBlobRefDao(Jdbc db) {
        this.db = db;
    }

    @Override
    public void insert(String blobId, long size, int refs) {
        db.update("INSERT INTO blobs (id, size, refs) VALUES (?, ?, ?)", blobId, size, refs);
    }

    @Override
    public void insertInline(String blobId, byte[] data, int refs) {
        db.update("INSERT INTO blobs (id, size, refs, data) VALUES (?, ?, ?, ?)", blobId, (long) data.length, refs, data);
    }

    @Override
    public byte[] inlineData(String blobId) {
        return db.one("SELECT data FROM blobs WHERE id = ?", rs -> rs.getBytes(1), blobId).orElse(null);
    }

    @Override
    public int addRefs(String blobId, int delta) {
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
