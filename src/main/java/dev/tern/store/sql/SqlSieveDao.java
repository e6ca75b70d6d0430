package dev.tern.store.sql;

import dev.tern.store.Rows;
import dev.tern.store.SieveDao;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

final class SqlSieveDao implements SieveDao {

    private static final String COLUMNS = "account_id, name, content, active, updated_at";

    private final Jdbc db;
    private final SqlDirectoryDao directory;

    /** @param directory keeps the account row's flag in step with the scripts, in the same transaction */
    SqlSieveDao(Jdbc db, SqlDirectoryDao directory) {
        this.db = db;
        this.directory = directory;
    }

    @Override
    public List<Rows.SieveScript> scripts(long accountId) {
        return db.query("SELECT " + COLUMNS + " FROM sieve_scripts WHERE account_id = ? ORDER BY name",
                SqlSieveDao::row, accountId);
    }

    @Override
    public Optional<Rows.SieveScript> script(long accountId, String name) {
        return db.one("SELECT " + COLUMNS + " FROM sieve_scripts WHERE account_id = ? AND name = ?",
                SqlSieveDao::row, accountId, name);
    }

    @Override
    public Optional<Rows.SieveScript> active(long accountId) {
        return db.one("SELECT " + COLUMNS + " FROM sieve_scripts WHERE account_id = ? AND active = 1",
                SqlSieveDao::row, accountId);
    }

    @Override
    public void put(long accountId, String name, String content, Instant now) {
        db.update("INSERT INTO sieve_scripts (account_id, name, content, active, updated_at) VALUES (?, ?, ?, 0, ?) "
                        + "ON CONFLICT (account_id, name) DO UPDATE SET content = excluded.content, "
                        + "updated_at = excluded.updated_at",
                accountId, name, content, now);
        if (script(accountId, name).map(Rows.SieveScript::active).orElse(false)) {
            directory.setSieveActive(accountId, true);   // readers of the account see the new script
        }
    }

    @Override
    public boolean rename(long accountId, String from, String to, Instant now) {
        return db.update("UPDATE sieve_scripts SET name = ?, updated_at = ? WHERE account_id = ? AND name = ?",
                to, now, accountId, from) > 0;
    }

    @Override
    public boolean delete(long accountId, String name) {
        boolean wasActive = script(accountId, name).map(Rows.SieveScript::active).orElse(false);
        boolean deleted = db.update("DELETE FROM sieve_scripts WHERE account_id = ? AND name = ?", accountId, name) > 0;
        if (wasActive) {
            directory.setSieveActive(accountId, false);
        }
        return deleted;
    }

    @Override
    public boolean activate(long accountId, String name) {
        if (name != null && script(accountId, name).isEmpty()) {
            return false;
        }
        db.update("UPDATE sieve_scripts SET active = 0 WHERE account_id = ? AND active = 1", accountId);
        if (name != null) {
            db.update("UPDATE sieve_scripts SET active = 1 WHERE account_id = ? AND name = ?", accountId, name);
        }
        directory.setSieveActive(accountId, name != null);
        return true;
    }

    @Override
    public boolean claimVacationReply(long accountId, String sender, String handle, Instant now, Instant expires) {
        return db.update("INSERT INTO sieve_vacation_replies (account_id, sender, handle, expires_at) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (account_id, sender, handle) DO UPDATE SET expires_at = excluded.expires_at "
                        + "WHERE sieve_vacation_replies.expires_at <= ?",
                accountId, sender, handle, expires, now) > 0;
    }

    @Override
    public int purgeVacationReplies(Instant now, int limit) {
        return db.update("DELETE FROM sieve_vacation_replies WHERE (account_id, sender, handle) IN (SELECT account_id, "
                + "sender, handle FROM sieve_vacation_replies WHERE expires_at <= ? LIMIT ?)", now, limit);
    }

    @Override
    public boolean duplicateSeen(long accountId, String key, Instant now) {
        return db.one("SELECT 1 FROM sieve_duplicates WHERE account_id = ? AND id_hash = ? AND expires_at > ?",
                rs -> true, accountId, key, now).isPresent();
    }

    @Override
    public void trackDuplicate(long accountId, String key, Instant now, Instant expires, boolean last) {
        db.update("INSERT INTO sieve_duplicates (account_id, id_hash, expires_at) VALUES (?, ?, ?) "
                        + "ON CONFLICT (account_id, id_hash) DO UPDATE SET expires_at = excluded.expires_at "
                        + "WHERE sieve_duplicates.expires_at <= ? OR ? = 1",
                accountId, key, expires, now, last ? 1 : 0);
    }

    @Override
    public int purgeDuplicates(Instant now, int limit) {
        return db.update("DELETE FROM sieve_duplicates WHERE (account_id, id_hash) IN (SELECT account_id, id_hash "
                + "FROM sieve_duplicates WHERE expires_at <= ? LIMIT ?)", now, limit);
    }

    private static Rows.SieveScript row(ResultSet rs) throws SQLException {
        return new Rows.SieveScript(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4) != 0,
                Jdbc.instant(rs, 5));
    }
}
