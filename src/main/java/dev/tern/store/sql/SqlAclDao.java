package dev.tern.store.sql;

import dev.tern.store.AclDao;
import dev.tern.store.Rows;

import java.util.List;

final class SqlAclDao implements AclDao {

    private final Jdbc db;

    SqlAclDao(Jdbc db) {
        this.db = db;
    }

    @Override
    public List<Rows.AclEntry> entries(long mailboxId) {
        return db.query("SELECT l.mailbox_id, l.grantee_id, COALESCE(a.address, 'anyone'), l.rights FROM mailbox_acl l "
                        + "LEFT JOIN accounts a ON a.id = l.grantee_id WHERE l.mailbox_id = ? "
                        + "ORDER BY l.grantee_id <> 0, a.address",
                rs -> new Rows.AclEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4)), mailboxId);
    }

    @Override
    public void set(long mailboxId, long granteeId, String rights) {
        if (rights.isEmpty()) {
            delete(mailboxId, granteeId);
            return;
        }
        db.update("INSERT INTO mailbox_acl (mailbox_id, grantee_id, rights) VALUES (?, ?, ?) "
                + "ON CONFLICT (mailbox_id, grantee_id) DO UPDATE SET rights = excluded.rights",
                mailboxId, granteeId, rights);
    }

    @Override
    public boolean delete(long mailboxId, long granteeId) {
        return db.update("DELETE FROM mailbox_acl WHERE mailbox_id = ? AND grantee_id = ?", mailboxId, granteeId) > 0;
    }

    @Override
    public List<Rows.SharedMailbox> sharedWith(long accountId, long domainId) {
        return db.query("SELECT " + SqlMailboxDao.mailboxColumns("b") + ", o.address, l.grantee_id, l.rights "
                        + "FROM mailbox_acl l JOIN mailboxes b ON b.id = l.mailbox_id "
                        + "JOIN accounts o ON o.id = b.account_id "
                        + "WHERE b.account_id <> ? AND (l.grantee_id = ? OR (l.grantee_id = 0 AND o.domain_id = ?)) "
                        + "ORDER BY o.address, b.name",
                rs -> new Rows.SharedMailbox(SqlMailboxDao.mailboxRow(rs), rs.getString(10), rs.getLong(11),
                        rs.getString(12)),
                accountId, accountId, domainId);
    }
}
