package dev.tern.store.sql;

import dev.tern.store.AccessRuleDao;
import dev.tern.store.Rows;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

final class SqlAccessRuleDao implements AccessRuleDao {

    private static final String COLUMNS = "pattern, kind, action, note, created_at";

    private final Jdbc db;

    SqlAccessRuleDao(Jdbc db) {
        this.db = db;
    }

    @Override
    public List<Rows.AccessRule> all() {
        return db.query("SELECT " + COLUMNS + " FROM access_rules ORDER BY pattern", SqlAccessRuleDao::row);
    }

    @Override
    public void put(Rows.AccessRule r) {
        db.update("INSERT INTO access_rules (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (pattern) DO UPDATE SET kind = excluded.kind, action = excluded.action, "
                        + "note = excluded.note, created_at = excluded.created_at",
                r.pattern(), r.kind(), r.action(), r.note(), r.createdAt());
    }

    @Override
    public boolean delete(String pattern) {
        return db.update("DELETE FROM access_rules WHERE pattern = ?", pattern) > 0;
    }

    private static Rows.AccessRule row(ResultSet rs) throws SQLException {
        return new Rows.AccessRule(rs.getString("pattern"), rs.getString("kind"), rs.getString("action"),
                rs.getString("note"), Jdbc.instant(rs, "created_at"));
    }
}
