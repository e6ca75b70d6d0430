package dev.tern.store.sql;

import dev.tern.store.AccessRuleDao;
import dev.tern.store.Rows;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

final class SqlAccessRuleDao implements AccessRuleDao {

    private static final String COLUMNS = "pattern, kind, action, note, created_at, expires_at";

    private final Jdbc db;

    SqlAccessRuleDao(Jdbc db) {
        this.db = db;
    }

    @Override
    public List<Rows.AccessRule> all(Instant now) {
        return db.query("SELECT " + COLUMNS + " FROM access_rules WHERE expires_at IS NULL OR expires_at > ? "
                + "ORDER BY pattern", SqlAccessRuleDao::row, now);
    }

    @Override
    public void put(Rows.AccessRule r) {
        db.update("INSERT INTO access_rules (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (pattern) DO UPDATE SET kind = excluded.kind, action = excluded.action, "
                        + "note = excluded.note, created_at = excluded.created_at, expires_at = excluded.expires_at",
                r.pattern(), r.kind(), r.action(), r.note(), r.createdAt(), r.expiresAt());
    }

    @Override
    public boolean delete(String pattern) {
        return db.update("DELETE FROM access_rules WHERE pattern = ?", pattern) > 0;
    }

    @Override
    public int purgeExpired(Instant now) {
        return db.update("DELETE FROM access_rules WHERE expires_at IS NOT NULL AND expires_at <= ?", now);
    }

    private static Rows.AccessRule row(ResultSet rs) throws SQLException {
        return new Rows.AccessRule(rs.getString("pattern"), rs.getString("kind"), rs.getString("action"),
                rs.getString("note"), Jdbc.instant(rs, "created_at"), Jdbc.nullableInstant(rs, "expires_at"));
    }
}
