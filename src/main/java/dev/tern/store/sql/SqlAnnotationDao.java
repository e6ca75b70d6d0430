package dev.tern.store.sql;

import dev.tern.store.AnnotationDao;
import dev.tern.store.Rows;

import java.util.List;

final class SqlAnnotationDao implements AnnotationDao {

    private final Jdbc db;

    SqlAnnotationDao(Jdbc db) {
        this.db = db;
    }

    @Override
    public List<Rows.Annotation> entries(long mailboxId, long accountId) {
        return db.query("SELECT name, value FROM annotations WHERE mailbox_id = ? AND account_id IN (?, ?) ORDER BY name",
                rs -> new Rows.Annotation(rs.getString(1), rs.getString(2)), mailboxId, EVERYONE, accountId);
    }

    @Override
    public long totalLength(long accountId) {
        return db.one("SELECT COALESCE(SUM(LENGTH(value)), 0) FROM annotations WHERE account_id = ? "
                        + "OR (account_id = ? AND mailbox_id IN (SELECT id FROM mailboxes WHERE account_id = ?))",
                rs -> rs.getLong(1), accountId, EVERYONE, accountId).orElse(0L);
    }

    @Override
    public void set(long mailboxId, long accountId, String name, String value) {
        if (value == null) {
            db.update("DELETE FROM annotations WHERE mailbox_id = ? AND account_id = ? AND name = ?",
                    mailboxId, accountId, name);
            return;
        }
        db.update("INSERT INTO annotations (mailbox_id, account_id, name, value) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (mailbox_id, account_id, name) DO UPDATE SET value = excluded.value",
                mailboxId, accountId, name, value);
    }
}
