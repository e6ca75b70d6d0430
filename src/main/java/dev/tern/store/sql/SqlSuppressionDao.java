package dev.tern.store.sql;

import dev.tern.store.Rows;
import dev.tern.store.SuppressionDao;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

final class SqlSuppressionDao implements SuppressionDao {

    private static final String COLUMNS = "address, domain, reason, status, detail, queue_id, created_at, expires_at";
    private static final String LIVE = "(expires_at IS NULL OR expires_at > ?)";

    private final Jdbc db;

    SqlSuppressionDao(Jdbc db) {
        this.db = db;
    }

    @Override
    public Optional<Rows.Suppression> find(String address, Instant now) {
        return db.one("SELECT " + COLUMNS + " FROM suppressions WHERE address = ? AND " + LIVE,
                SqlSuppressionDao::row, address, now);
    }

    @Override
    public void put(Rows.Suppression e) {
        db.update("INSERT INTO suppressions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (address) DO UPDATE SET domain = excluded.domain, reason = excluded.reason, "
                        + "status = excluded.status, detail = excluded.detail, queue_id = excluded.queue_id, "
                        + "created_at = excluded.created_at, expires_at = excluded.expires_at",
                e.address(), e.domain(), e.reason(), e.status(), e.detail(), e.queueId(), e.createdAt(),
                e.expiresAt());
    }

    @Override
    public boolean delete(String address) {
        return db.update("DELETE FROM suppressions WHERE address = ?", address) > 0;
    }

    @Override
    public int deleteDomain(String domain) {
        return db.update("DELETE FROM suppressions WHERE domain = ?", domain);
    }

    @Override
    public List<Rows.Suppression> list(String domain, String after, int limit, Instant now) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM suppressions WHERE " + LIVE);
        List<Object> args = new ArrayList<>(List.of(now));
        if (domain != null) {
            sql.append(" AND domain = ?");
            args.add(domain);
        }
        if (after != null) {
            sql.append(" AND address > ?");
            args.add(after);
        }
        sql.append(" ORDER BY address LIMIT ?");
        args.add(limit);
        return db.query(sql.toString(), SqlSuppressionDao::row, args.toArray());
    }

    @Override
    public long count(Instant now) {
        return db.count("SELECT COUNT(*) FROM suppressions WHERE " + LIVE, now);
    }

    @Override
    public int purgeExpired(Instant now) {
        return db.update("DELETE FROM suppressions WHERE expires_at IS NOT NULL AND expires_at <= ?", now);
    }

    private static Rows.Suppression row(ResultSet rs) throws SQLException {
        return new Rows.Suppression(rs.getString("address"), rs.getString("domain"), rs.getString("reason"),
                rs.getString("status"), rs.getString("detail"), rs.getString("queue_id"),
                Jdbc.instant(rs, "created_at"), Jdbc.nullableInstant(rs, "expires_at"));
    }
}
