package dev.tern.store.sql;

import dev.tern.store.DkimKeyDao;
import dev.tern.store.Rows;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

final class SqlDkimKeyDao implements DkimKeyDao {

    private final Jdbc db;

    SqlDkimKeyDao(Jdbc db) {
        this.db = db;
    }

    @Override
    public List<Rows.DkimKey> keys(long domainId) {
        return db.query("SELECT domain_id, selector, algorithm, private_key, public_key, created_at FROM dkim_keys "
                + "WHERE domain_id = ? ORDER BY created_at, selector", SqlDkimKeyDao::keyRow, domainId);
    }

    @Override
    public boolean insert(Rows.DkimKey key) {
        return db.update("INSERT INTO dkim_keys (domain_id, selector, algorithm, private_key, public_key, created_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", key.domainId(), key.selector(),
                key.algorithm(), key.privateKey(), key.publicKey(), key.createdAt()) > 0;
    }

    @Override
    public boolean delete(long domainId, String selector) {
        return db.update("DELETE FROM dkim_keys WHERE domain_id = ? AND selector = ?", domainId, selector) > 0;
    }

    private static Rows.DkimKey keyRow(ResultSet rs) throws SQLException {
        return new Rows.DkimKey(rs.getLong("domain_id"), rs.getString("selector"), rs.getString("algorithm"),
                rs.getString("private_key"), rs.getString("public_key"), Jdbc.instant(rs, "created_at"));
    }
}
