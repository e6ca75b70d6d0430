package dev.tern.store.sql;

import dev.tern.store.MailboxDao;
import dev.tern.store.Rows;
import dev.tern.store.StoreException;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

final class SqlMailboxDao implements MailboxDao {

    private static final String MAILBOX_COLUMNS = "id, account_id, name, uidvalidity, uidnext, highest_modseq, "
            + "special_use, selectable, first_unclaimed_uid";
    private static final String MESSAGE_COLUMNS = "id, mailbox_id, uid, blob_id, header_prefix, size, internal_date, "
            + "system_flags, keywords, modseq, saved_at";
    /** What SEARCH reads of a message: neither the header prefix nor the blob id, most of a row's bytes. */
    private static final String SUMMARY_COLUMNS = "uid, size, internal_date, system_flags, keywords, modseq, saved_at";
    /**
     * Up to this many UIDs are looked up one by one; more, and the whole mailbox is read and
     * filtered. Either way the SQL text is fixed, which keeps the per-connection statement cache small.
     */
    private static final int UID_LOOKUPS = 64;

    private final Jdbc db;

    SqlMailboxDao(Jdbc db) {
        this.db = db;
    }

    @Override
    public boolean lockMaildrop(long accountId, String owner, Instant until, Instant now) {
        return db.update("INSERT INTO maildrop_locks (account_id, owner, expires_at) VALUES (?, ?, ?) "
                + "ON CONFLICT (account_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at "
                + "WHERE maildrop_locks.expires_at <= ?", accountId, owner, until, now) > 0;
    }

    @Override
    public boolean renewMaildropLock(long accountId, String owner, Instant until) {
        return db.update("UPDATE maildrop_locks SET expires_at = ? WHERE account_id = ? AND owner = ?",
                until, accountId, owner) > 0;
    }

    @Override
    public void unlockMaildrop(long accountId, String owner) {
        db.update("DELETE FROM maildrop_locks WHERE account_id = ? AND owner = ?", accountId, owner);
    }

    // A write that reads a mailbox holds it until it ends (FOR UPDATE where writers run side by
    // side): flag changes, expunges and copies are computed from the messages the write reads
    // next, and two of them interleaved on one mailbox would lose one's changes.

    // Both texts of each lookup are made once (with and without FOR UPDATE): a string built at each
    // call has its hash computed in full by the statement cache every time.
    private static final String MAILBOX_BY_NAME = "SELECT " + MAILBOX_COLUMNS
            + " FROM mailboxes WHERE account_id = ? AND name = ?";
    private static final String MAILBOX_BY_NAME_FOR_UPDATE = MAILBOX_BY_NAME + " FOR UPDATE";
    private static final String MAILBOX_BY_ID = "SELECT " + MAILBOX_COLUMNS + " FROM mailboxes WHERE id = ?";
    private static final String MAILBOX_BY_ID_FOR_UPDATE = MAILBOX_BY_ID + " FOR UPDATE";

    @Override
    public Optional<Rows.Mailbox> mailbox(long accountId, String name) {
        return db.one(db.forUpdate().isEmpty() ? MAILBOX_BY_NAME : MAILBOX_BY_NAME_FOR_UPDATE,
                SqlMailboxDao::mailboxRow, accountId, name);
    }

    @Override
    public Optional<Rows.Mailbox> mailbox(long mailboxId) {
        return db.one(db.forUpdate().isEmpty() ? MAILBOX_BY_ID : MAILBOX_BY_ID_FOR_UPDATE,
                SqlMailboxDao::mailboxRow, mailboxId);
    }

    @Override
    public List<Rows.Mailbox> mailboxes(long accountId) {
        return db.query("SELECT " + MAILBOX_COLUMNS + " FROM mailboxes WHERE account_id = ? "
                        + "ORDER BY CASE WHEN name = 'INBOX' THEN 0 ELSE 1 END, name",
                SqlMailboxDao::mailboxRow, accountId);
    }

    @Override
    public void setPop3Uidls(long mailboxId, Map<Long, String> uidlsByUid) {
        for (Map.Entry<Long, String> e : uidlsByUid.entrySet()) {
            db.update("UPDATE messages SET pop3_uidl = ? WHERE mailbox_id = ? AND uid = ?", e.getValue(), mailboxId,
                    e.getKey());
        }
    }

    @Override
    public Map<Long, String> pop3Uidls(long mailboxId) {
        Map<Long, String> out = new TreeMap<>();
        for (Map.Entry<Long, String> e : db.query("SELECT uid, pop3_uidl FROM messages WHERE mailbox_id = ? "
                + "AND pop3_uidl IS NOT NULL", rs -> Map.entry(rs.getLong(1), rs.getString(2)), mailboxId)) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    @Override
    public Map<Long, List<Long>> savedBefore(String specialUse, Instant cutoff, int limit) {
        // Each mailbox's messages through the (mailbox_id, uid) key: what is read is the messages
        // of the Trash (or Junk) mailboxes, not the whole table.
        Map<Long, List<Long>> out = new TreeMap<>();
        for (long[] row : db.query("SELECT m.mailbox_id, m.uid FROM mailboxes b JOIN messages m ON m.mailbox_id = b.id "
                        + "WHERE b.special_use = ? AND m.saved_at < ? ORDER BY m.mailbox_id, m.uid LIMIT ?",
                rs -> new long[]{rs.getLong(1), rs.getLong(2)}, specialUse, cutoff, limit)) {
            out.computeIfAbsent(row[0], k -> new ArrayList<>()).add(row[1]);
        }
        return out;
    }

    @Override
    public Rows.Mailbox create(long accountId, String name, String specialUse, long uidValidity) {
        long id = db.insert("INSERT INTO mailboxes (account_id, name, uidvalidity, uidnext, highest_modseq, "
                + "special_use, selectable) VALUES (?, ?, ?, 1, 1, ?, 1)", accountId, name, uidValidity, specialUse);
        return new Rows.Mailbox(id, accountId, name, uidValidity, 1, 1, specialUse, true, 1);
    }

    @Override
    public long takeUidValidity(long accountId, long atLeast) {
        // One statement, so that two sessions creating mailboxes of one account at the same time
        // cannot both find no counter and both insert one (PostgreSQL runs them side by side).
        return db.one("INSERT INTO uidvalidity_counters (account_id, last_value) VALUES (?, ?) "
                        + "ON CONFLICT (account_id) DO UPDATE SET last_value = CASE "
                        + "WHEN uidvalidity_counters.last_value + 1 > excluded.last_value "
                        + "THEN uidvalidity_counters.last_value + 1 ELSE excluded.last_value END RETURNING last_value",
                rs -> rs.getLong(1), accountId, atLeast)
                .orElseThrow(() -> new StoreException("no UIDVALIDITY taken for account " + accountId));
    }

    @Override
    public void rename(long mailboxId, String newName) {
        db.update("UPDATE mailboxes SET name = ? WHERE id = ?", newName, mailboxId);
    }

    @Override
    public void setSelectable(long mailboxId, boolean selectable) {
        db.update("UPDATE mailboxes SET selectable = ? WHERE id = ?", selectable, mailboxId);
    }

    @Override
    public void setSpecialUse(long mailboxId, String specialUse) {
        db.update("UPDATE mailboxes SET special_use = ? WHERE id = ?", specialUse, mailboxId);
    }

    @Override
    public void delete(long mailboxId) {
        db.update("DELETE FROM mailbox_acl WHERE mailbox_id = ?", mailboxId);
        db.update("DELETE FROM annotations WHERE mailbox_id = ?", mailboxId);
        db.update("DELETE FROM expunged WHERE mailbox_id = ?", mailboxId);
        db.update("DELETE FROM expunged_trimmed WHERE mailbox_id = ?", mailboxId);
        db.update("DELETE FROM mailboxes WHERE id = ?", mailboxId);
    }

    @Override
    public Rows.Message append(long mailboxId, String blobId, String headerPrefix, long size, Instant internalDate,
                               int systemFlags, String keywords) {
        // Taking the UID and MODSEQ with an UPDATE ... RETURNING in the same transaction as the
        // insert makes them unique and gap-free per mailbox, whoever else appends.
        // The mailbox's counts move in the same statement (what STATUS and an account's usage read).
        Tally added = Tally.of(size, systemFlags);
        long[] next = db.one("UPDATE mailboxes SET uidnext = uidnext + 1, highest_modseq = highest_modseq + 1, "
                        + "bytes = bytes + ?, message_count = message_count + 1, unseen_count = unseen_count + ?, "
                        + "deleted_count = deleted_count + ? WHERE id = ? RETURNING uidnext - 1, highest_modseq",
                rs -> new long[]{rs.getLong(1), rs.getLong(2)}, added.bytes(), added.unseen(), added.deleted(),
                mailboxId)
                .orElseThrow(() -> new StoreException("no mailbox with id " + mailboxId));
        long uid = next[0];
        long modSeq = next[1];
        Instant savedAt = Instant.ofEpochMilli(System.currentTimeMillis());   // as stored: milliseconds
        long id = db.insert("INSERT INTO messages (mailbox_id, uid, blob_id, header_prefix, size, internal_date, "
                        + "system_flags, keywords, modseq, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", mailboxId, uid,
                blobId, headerPrefix, size, internalDate, systemFlags, keywords, modSeq, savedAt);
        return new Rows.Message(id, mailboxId, uid, blobId, headerPrefix, size, internalDate, systemFlags, keywords,
                modSeq, savedAt);
    }

    @Override
    public List<Rows.Message> messages(long mailboxId) {
        return db.query("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE mailbox_id = ? ORDER BY uid",
                SqlMailboxDao::messageRow, mailboxId);
    }

    @Override
    public List<Rows.Message> messagesBetween(long mailboxId, long first, long last) {
        return db.query("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE mailbox_id = ? AND uid BETWEEN ? AND ? "
                + "ORDER BY uid", SqlMailboxDao::messageRow, mailboxId, first, last);
    }

    @Override
    public List<Rows.MessageFlags> flags(long mailboxId) {
        // Covered by the (mailbox_id, uid) key plus a few narrow columns: no header prefix, blob
        // id or date to read and decode per row.
        return db.query("SELECT uid, system_flags, keywords, modseq FROM messages WHERE mailbox_id = ? ORDER BY uid",
                rs -> new Rows.MessageFlags(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getLong(4)), mailboxId);
    }

    @Override
    public List<Rows.MessageSummary> summaries(long mailboxId) {
        // Without the header prefix and blob id, most of a row's bytes: SEARCH on flags, sizes and
        // dates read and decoded them for every message (0.5 s for 200,000).
        return db.query("SELECT " + SUMMARY_COLUMNS + " FROM messages WHERE mailbox_id = ? ORDER BY uid",
                SqlMailboxDao::summaryRow, mailboxId);
    }

    @Override
    public List<Rows.MessageSummary> summariesChangedSince(long mailboxId, long modSeq) {
        return db.query("SELECT " + SUMMARY_COLUMNS + " FROM messages WHERE mailbox_id = ? AND modseq > ? ORDER BY uid",
                SqlMailboxDao::summaryRow, mailboxId, modSeq);
    }

    private static Rows.MessageSummary summaryRow(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Rows.MessageSummary(rs.getLong(1), rs.getLong(2), Jdbc.instant(rs, 3), rs.getInt(4), rs.getString(5),
                rs.getLong(6), Jdbc.nullableInstant(rs, "saved_at"));
    }

    @Override
    public List<Rows.HeaderSection> headerSections(long mailboxId, long fromUid) {
        return db.query("SELECT m.uid, m.blob_id, b.header FROM messages m JOIN blobs b ON b.id = m.blob_id "
                        + "WHERE m.mailbox_id = ? AND m.uid >= ? ORDER BY m.uid",
                rs -> new Rows.HeaderSection(rs.getLong(1), rs.getString(2), rs.getBytes(3)), mailboxId, fromUid);
    }

    @Override
    public List<Rows.Message> messages(long mailboxId, Collection<Long> uids) {
        TreeSet<Long> wanted = new TreeSet<>(uids);
        if (wanted.size() > UID_LOOKUPS) {
            // One range scan from the lowest UID to the highest: a piece of a large command reads
            // its neighbourhood, not the whole mailbox.
            return messagesBetween(mailboxId, wanted.first(), wanted.last()).stream()
                    .filter(m -> wanted.contains(m.uid())).toList();
        }
        List<Rows.Message> out = new ArrayList<>(wanted.size());
        for (long uid : wanted) {
            message(mailboxId, uid).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public Optional<Rows.Message> message(long mailboxId, long uid) {
        return db.one("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE mailbox_id = ? AND uid = ?",
                SqlMailboxDao::messageRow, mailboxId, uid);
    }

    @Override
    public Optional<Rows.Message> message(long messageId) {
        return db.one("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE id = ?", SqlMailboxDao::messageRow, messageId);
    }

    @Override
    public List<Rows.Message> changedSince(long mailboxId, long modSeq) {
        return db.query("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE mailbox_id = ? AND modseq > ? ORDER BY uid",
                SqlMailboxDao::messageRow, mailboxId, modSeq);
    }

    @Override
    public Rows.RecentClaim claimRecent(long mailboxId) {
        // The row is held (FOR UPDATE where writers run side by side) from the read to the
        // update, so two sessions, on this node or another, never claim the same UID.
        long[] row = db.one("SELECT first_unclaimed_uid, uidnext FROM mailboxes WHERE id = ?" + db.forUpdate(),
                        rs -> new long[]{rs.getLong(1), rs.getLong(2)}, mailboxId)
                .orElseThrow(() -> new StoreException("no mailbox with id " + mailboxId));
        if (row[0] < row[1]) {
            db.update("UPDATE mailboxes SET first_unclaimed_uid = ? WHERE id = ?", row[1], mailboxId);
            return new Rows.RecentClaim(row[0], row[1]);
        }
        return new Rows.RecentClaim(row[1], row[1]);
    }

    @Override
    public long countFrom(long mailboxId, long uid) {
        return db.count("SELECT COUNT(*) FROM messages WHERE mailbox_id = ? AND uid >= ?", mailboxId, uid);
    }

    @Override
    public long nextModSeq(long mailboxId) {
        return db.one("UPDATE mailboxes SET highest_modseq = highest_modseq + 1 WHERE id = ? RETURNING highest_modseq",
                        rs -> rs.getLong(1), mailboxId)
                .orElseThrow(() -> new StoreException("no mailbox with id " + mailboxId));
    }

    @Override
    public void updateFlags(long mailboxId, List<Rows.FlagUpdate> updates, long modSeq) {
        Tally moved = Tally.NONE;
        for (Rows.FlagUpdate u : updates) {
            db.update("UPDATE messages SET system_flags = ?, keywords = ?, modseq = ? WHERE id = ?",
                    u.systemFlags(), u.keywords(), modSeq, u.messageId());
            moved = moved.plus(Tally.change(u.previousSystemFlags(), u.systemFlags()));
        }
        if (!moved.isNone()) {
            db.update("UPDATE mailboxes SET unseen_count = unseen_count + ?, deleted_count = deleted_count + ? "
                    + "WHERE id = ?", moved.unseen(), moved.deleted(), mailboxId);
        }
    }

    /**
     * 8 is \Deleted. The condition is written as in the partial index messages_deleted (V19), which
     * SQLite uses only for a WHERE that repeats it.
     */
    static final String DELETED_UIDS = "SELECT uid FROM messages WHERE mailbox_id = ? AND (system_flags & 8) <> 0 "
            + "ORDER BY uid";

    @Override
    public List<Long> deletedUids(long mailboxId) {
        return db.query(DELETED_UIDS, rs -> rs.getLong(1), mailboxId);
    }

    @Override
    public long deletedSize(long mailboxId) {
        return db.one("SELECT COALESCE(SUM(size), 0) FROM messages WHERE mailbox_id = ? AND (system_flags & 8) <> 0",
                rs -> rs.getLong(1), mailboxId).orElse(0L);
    }

    @Override
    public List<String> expunge(long mailboxId, Collection<Long> uids, long modSeq) {
        List<String> blobs = new ArrayList<>();
        Tally gone = Tally.NONE;
        for (long uid : new HashSet<>(uids)) {
            Optional<RemovedMessage> removed = db.one("DELETE FROM messages WHERE mailbox_id = ? AND uid = ? "
                    + "RETURNING " + REMOVED_COLUMNS, SqlMailboxDao::removed, mailboxId, uid);
            if (removed.isPresent()) {
                blobs.add(removed.get().blobId());
                gone = gone.plus(removed.get().tally());
                db.update("INSERT INTO expunged (mailbox_id, uid, modseq) VALUES (?, ?, ?)", mailboxId, uid, modSeq);
            }
        }
        subtract(mailboxId, gone);
        return blobs;
    }

    @Override
    public List<Rows.Expunged> expungedSince(long mailboxId, long modSeq) {
        return db.query("SELECT uid, modseq FROM expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid",
                rs -> new Rows.Expunged(rs.getLong(1), rs.getLong(2)), mailboxId, modSeq);
    }

    @Override
    public long expungedDroppedUpTo(long mailboxId) {
        return db.one("SELECT modseq FROM expunged_trimmed WHERE mailbox_id = ?", rs -> rs.getLong(1), mailboxId)
                .orElse(0L);
    }

    @Override
    public List<Long> mailboxesWithExpungedOver(int keep) {
        return db.query("SELECT mailbox_id FROM expunged GROUP BY mailbox_id HAVING COUNT(*) > ? ORDER BY mailbox_id",
                rs -> rs.getLong(1), keep);
    }

    @Override
    public int trimExpunged(long mailboxId, int keep) {
        Optional<Long> oldestKept = db.one("SELECT modseq FROM expunged WHERE mailbox_id = ? "
                + "ORDER BY modseq DESC LIMIT 1 OFFSET ?", rs -> rs.getLong(1), mailboxId, Math.max(keep - 1, 0));
        if (oldestKept.isEmpty()) {
            return 0;
        }
        long cutoff = keep == 0 ? oldestKept.get() + 1 : oldestKept.get();
        Optional<Long> newestDropped = db.one("SELECT MAX(modseq) FROM expunged WHERE mailbox_id = ? AND modseq < ?",
                rs -> rs.getObject(1) == null ? null : rs.getLong(1), mailboxId, cutoff);
        if (newestDropped.isEmpty()) {
            return 0;
        }
        int dropped = db.update("DELETE FROM expunged WHERE mailbox_id = ? AND modseq < ?", mailboxId, cutoff);
        // Whatever was expunged after the newest dropped MODSEQ is still there: lists are exact from it on.
        db.update("INSERT INTO expunged_trimmed (mailbox_id, modseq) VALUES (?, ?) ON CONFLICT (mailbox_id) "
                + "DO UPDATE SET modseq = excluded.modseq WHERE expunged_trimmed.modseq < excluded.modseq",
                mailboxId, newestDropped.get());
        return dropped;
    }

    /** The counts the mailbox row keeps (V18, V21): one row, however many messages. */
    static final String COUNTS = "SELECT message_count, unseen_count, deleted_count, bytes FROM mailboxes WHERE id = ?";

    @Override
    public Rows.MailboxCounts counts(long mailboxId) {
        return db.one(COUNTS, rs -> new Rows.MailboxCounts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)),
                mailboxId).orElse(new Rows.MailboxCounts(0, 0, 0, 0));
    }

    static final String ACCOUNT_USAGE = "SELECT COALESCE(SUM(bytes), 0) FROM mailboxes WHERE account_id = ?";

    @Override
    public long accountUsage(long accountId) {
        return db.one(ACCOUNT_USAGE, rs -> rs.getLong(1), accountId).orElse(0L);
    }

    @Override
    public List<String> subscriptions(long accountId) {
        return db.query("SELECT name FROM subscriptions WHERE account_id = ? ORDER BY name", rs -> rs.getString(1),
                accountId);
    }

    @Override
    public boolean subscribe(long accountId, String name) {
        return db.update("INSERT INTO subscriptions (account_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
                accountId, name) > 0;
    }

    @Override
    public boolean unsubscribe(long accountId, String name) {
        return db.update("DELETE FROM subscriptions WHERE account_id = ? AND name = ?", accountId, name) > 0;
    }

    @Override
    public List<String> deleteAll(long accountId) {
        List<String> blobs = db.query("SELECT m.blob_id FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id "
                + "WHERE b.account_id = ?", rs -> rs.getString(1), accountId);
        db.update("DELETE FROM messages WHERE mailbox_id IN (SELECT id FROM mailboxes WHERE account_id = ?)", accountId);
        db.update("DELETE FROM expunged WHERE mailbox_id IN (SELECT id FROM mailboxes WHERE account_id = ?)", accountId);
        db.update("DELETE FROM expunged_trimmed WHERE mailbox_id IN (SELECT id FROM mailboxes WHERE account_id = ?)",
                accountId);
        db.update("DELETE FROM mailbox_acl WHERE mailbox_id IN (SELECT id FROM mailboxes WHERE account_id = ?) "
                + "OR grantee_id = ?", accountId, accountId);
        db.update("DELETE FROM annotations WHERE mailbox_id IN (SELECT id FROM mailboxes WHERE account_id = ?) "
                + "OR account_id = ?", accountId, accountId);
        db.update("DELETE FROM mailboxes WHERE account_id = ?", accountId);
        db.update("DELETE FROM subscriptions WHERE account_id = ?", accountId);
        return blobs;
    }

    @Override
    public List<String> deleteMessages(long accountId, int limit) {
        List<RemovedMessage> removed = db.query("DELETE FROM messages WHERE id IN (SELECT m.id FROM messages m "
                + "JOIN mailboxes b ON b.id = m.mailbox_id WHERE b.account_id = ? LIMIT ?) "
                + "RETURNING " + REMOVED_COLUMNS, SqlMailboxDao::removed, accountId, limit);
        Map<Long, Tally> gone = new TreeMap<>();    // by mailbox id: rows locked in one order
        for (RemovedMessage r : removed) {
            gone.merge(r.mailboxId(), r.tally(), Tally::plus);
        }
        gone.forEach(this::subtract);
        return removed.stream().map(RemovedMessage::blobId).toList();
    }

    /** \Seen and \Deleted in {@code system_flags}. */
    private static final int SEEN = 1;
    private static final int DELETED = 8;

    /** What messages add to their mailbox's counts: bytes, messages, unseen ones, deleted ones. */
    private record Tally(long bytes, long messages, long unseen, long deleted) {
        static final Tally NONE = new Tally(0, 0, 0, 0);

        static Tally of(long size, int systemFlags) {
            return new Tally(size, 1, (systemFlags & SEEN) == 0 ? 1 : 0, (systemFlags & DELETED) != 0 ? 1 : 0);
        }

        Tally plus(Tally o) {
            return new Tally(bytes + o.bytes, messages + o.messages, unseen + o.unseen, deleted + o.deleted);
        }

        /** A message's flags changing from {@code before} to {@code after}: the counts it moves. */
        static Tally change(int before, int after) {
            Tally was = of(0, before);
            Tally is = of(0, after);
            return new Tally(0, 0, is.unseen - was.unseen, is.deleted - was.deleted);
        }

        boolean isNone() {
            return equals(NONE);
        }
    }

    private static final String REMOVED_COLUMNS = "blob_id, mailbox_id, size, system_flags";

    /** A message row just deleted: what its blob and its mailbox's counts need to know. */
    private record RemovedMessage(String blobId, long mailboxId, Tally tally) {
    }

    private static RemovedMessage removed(ResultSet rs) throws SQLException {
        return new RemovedMessage(rs.getString(1), rs.getLong(2), Tally.of(rs.getLong(3), rs.getInt(4)));
    }

    private void subtract(long mailboxId, Tally t) {
        if (!t.isNone()) {
            db.update("UPDATE mailboxes SET bytes = bytes - ?, message_count = message_count - ?, "
                    + "unseen_count = unseen_count - ?, deleted_count = deleted_count - ? WHERE id = ?",
                    t.bytes(), t.messages(), t.unseen(), t.deleted(), mailboxId);
        }
    }

    /** {@link #MAILBOX_COLUMNS} of a table named {@code alias} in a join. */
    static String mailboxColumns(String alias) {
        return alias + "." + MAILBOX_COLUMNS.replace(", ", ", " + alias + ".");
    }

    /** A row of {@code SELECT} {@link #MAILBOX_COLUMNS}, read by position (cheaper than by name, for every delivery). */
    static Rows.Mailbox mailboxRow(ResultSet rs) throws SQLException {
        return new Rows.Mailbox(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                rs.getLong(6), rs.getString(7), rs.getInt(8) != 0, rs.getLong(9));
    }

    private static Rows.Message messageRow(ResultSet rs) throws SQLException {
        return new Rows.Message(rs.getLong("id"), rs.getLong("mailbox_id"), rs.getLong("uid"), rs.getString("blob_id"),
                rs.getString("header_prefix"), rs.getLong("size"), Jdbc.instant(rs, "internal_date"),
                rs.getInt("system_flags"), rs.getString("keywords"), rs.getLong("modseq"), Jdbc.nullableInstant(rs, "saved_at"));
    }
}
