package dev.tern.store.sql;

import dev.tern.store.MailboxDao;
import dev.tern.store.Rows;
import dev.tern.store.StoreException;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

final class SqlMailboxDao implements MailboxDao {

    private static final String MAILBOX_COLUMNS = "id, account_id, name, uidvalidity, uidnext, highest_modseq, "
            + "special_use, subscribed";
    private static final String MESSAGE_COLUMNS = "id, mailbox_id, uid, blob_id, header_prefix, size, internal_date, "
            + "flags, modseq";

    private final Jdbc db;

    SqlMailboxDao(Jdbc db) {
        this.db = db;
    }

    @Override
    public Optional<Rows.Mailbox> mailbox(long accountId, String name) {
        return db.one("SELECT " + MAILBOX_COLUMNS + " FROM mailboxes WHERE account_id = ? AND name = ?",
                SqlMailboxDao::mailboxRow, accountId, name);
    }

    @Override
    public List<Rows.Mailbox> mailboxes(long accountId) {
        return db.query("SELECT " + MAILBOX_COLUMNS + " FROM mailboxes WHERE account_id = ? "
                        + "ORDER BY CASE WHEN name = 'INBOX' THEN 0 ELSE 1 END, name",
                SqlMailboxDao::mailboxRow, accountId);
    }

    @Override
    public Rows.Mailbox create(long accountId, String name, String specialUse, long uidValidity) {
        long id = db.insert("INSERT INTO mailboxes (account_id, name, uidvalidity, uidnext, highest_modseq, "
                + "special_use, subscribed) VALUES (?, ?, ?, 1, 1, ?, 1)", accountId, name, uidValidity, specialUse);
        return new Rows.Mailbox(id, accountId, name, uidValidity, 1, 1, specialUse, true);
    }

    @Override
    public Rows.Message append(long mailboxId, String blobId, String headerPrefix, long size, Instant internalDate,
                               String flags) {
        // Taking the UID and MODSEQ with an UPDATE ... RETURNING in the same transaction as the
        // insert makes them unique and gap-free per mailbox, whoever else appends.
        long[] next = db.one("UPDATE mailboxes SET uidnext = uidnext + 1, highest_modseq = highest_modseq + 1 "
                        + "WHERE id = ? RETURNING uidnext - 1, highest_modseq",
                rs -> new long[]{rs.getLong(1), rs.getLong(2)}, mailboxId)
                .orElseThrow(() -> new StoreException("no mailbox with id " + mailboxId));
        long uid = next[0];
        long modSeq = next[1];
        long id = db.insert("INSERT INTO messages (mailbox_id, uid, blob_id, header_prefix, size, internal_date, flags, "
                + "modseq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", mailboxId, uid, blobId, headerPrefix, size, internalDate,
                flags, modSeq);
        return new Rows.Message(id, mailboxId, uid, blobId, headerPrefix, size, internalDate, flags, modSeq);
    }

    @Override
    public List<Rows.Message> messages(long mailboxId) {
        return db.query("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE mailbox_id = ? ORDER BY uid",
                SqlMailboxDao::messageRow, mailboxId);
    }

    @Override
    public Optional<Rows.Message> message(long mailboxId, long uid) {
        return db.one("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE mailbox_id = ? AND uid = ?",
                SqlMailboxDao::messageRow, mailboxId, uid);
    }

    @Override
    public List<String> deleteAll(long accountId) {
        List<String> blobs = db.query("SELECT m.blob_id FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id "
                + "WHERE b.account_id = ?", rs -> rs.getString(1), accountId);
        db.update("DELETE FROM messages WHERE mailbox_id IN (SELECT id FROM mailboxes WHERE account_id = ?)", accountId);
        db.update("DELETE FROM mailboxes WHERE account_id = ?", accountId);
        return blobs;
    }

    private static Rows.Mailbox mailboxRow(ResultSet rs) throws SQLException {
        return new Rows.Mailbox(rs.getLong("id"), rs.getLong("account_id"), rs.getString("name"),
                rs.getLong("uidvalidity"), rs.getLong("uidnext"), rs.getLong("highest_modseq"),
                rs.getString("special_use"), rs.getInt("subscribed") != 0);
    }

    private static Rows.Message messageRow(ResultSet rs) throws SQLException {
        return new Rows.Message(rs.getLong("id"), rs.getLong("mailbox_id"), rs.getLong("uid"), rs.getString("blob_id"),
                rs.getString("header_prefix"), rs.getLong("size"), Jdbc.instant(rs, "internal_date"),
                rs.getString("flags"), rs.getLong("modseq"));
    }
}
