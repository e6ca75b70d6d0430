package dev.tern.store.sql;

import dev.tern.store.DirectoryDao;
import dev.tern.store.Rows;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

final class SqlDirectoryDao implements DirectoryDao {

    private static final String ACCOUNT_COLUMNS = "id, address, display, domain_id, password_hash, enabled, created_at, quota_bytes, sieve_active";

    private final Jdbc db;
    /** Registers the after-commit notice of a directory change; null when nobody listens. */
    private final Runnable onChange;
    private boolean changed;

    SqlDirectoryDao(Jdbc db, Runnable onChange) {
        this.db = db;
        this.onChange = onChange;
    }

    /** A write that may change where an address leads: the listener hears of it after the commit. */
    private void changed() {
        if (!changed && onChange != null) {
            changed = true;
            onChange.run();
        }
    }

    @Override
    public Optional<Rows.Domain> domain(String name) {
        return db.one("SELECT id, name, catch_all, created_at FROM domains WHERE name = ?", SqlDirectoryDao::domainRow, name);
    }

    @Override
    public List<Rows.Domain> domains() {
        return db.query("SELECT id, name, catch_all, created_at FROM domains ORDER BY name", SqlDirectoryDao::domainRow);
    }

    @Override
    public Rows.Domain insertDomain(String name, Instant now) {
        changed();
        long id = db.insert("INSERT INTO domains (name, created_at) VALUES (?, ?)", name, now);
        return new Rows.Domain(id, name, null, now);
    }

    @Override
    public void setCatchAll(long domainId, String target) {
        changed();
        db.update("UPDATE domains SET catch_all = ? WHERE id = ?", target, domainId);
    }

    @Override
    public boolean deleteDomain(long domainId) {
        changed();
        return db.update("DELETE FROM domains WHERE id = ?", domainId) > 0;
    }

    @Override
    public Optional<Rows.Account> account(String address) {
        return db.one("SELECT " + ACCOUNT_COLUMNS + " FROM accounts WHERE address = ?", SqlDirectoryDao::accountRow, address);
    }

    @Override
    public Optional<Rows.Account> account(long id) {
        return db.one("SELECT " + ACCOUNT_COLUMNS + " FROM accounts WHERE id = ?", SqlDirectoryDao::accountRow, id);
    }

    @Override
    public List<Rows.Account> accounts(Long domainId) {
        if (domainId == null) {
            return db.query("SELECT " + ACCOUNT_COLUMNS + " FROM accounts ORDER BY address", SqlDirectoryDao::accountRow);
        }
        return db.query("SELECT " + ACCOUNT_COLUMNS + " FROM accounts WHERE domain_id = ? ORDER BY address",
                SqlDirectoryDao::accountRow, domainId);
    }

    @Override
    public Rows.Account insertAccount(String address, String display, long domainId, String passwordHash, Instant now) {
        changed();
        long id = db.insert("INSERT INTO accounts (address, display, domain_id, password_hash, enabled, created_at) "
                + "VALUES (?, ?, ?, ?, 1, ?)", address, display, domainId, passwordHash, now);
        return new Rows.Account(id, address, display, domainId, passwordHash, true, now, null, false);
    }

    @Override
    public boolean setEnabled(long accountId, boolean enabled) {
        changed();
        return db.update("UPDATE accounts SET enabled = ? WHERE id = ?", enabled, accountId) > 0;
    }

    @Override
    public boolean updatePassword(long accountId, String passwordHash) {
        return db.update("UPDATE accounts SET password_hash = ? WHERE id = ?", passwordHash, accountId) > 0;
    }

    /** Marks whether the account has an active Sieve script; the directory's readers see it as any account change. */
    boolean setSieveActive(long accountId, boolean active) {
        changed();
        return db.update("UPDATE accounts SET sieve_active = ? WHERE id = ?", active ? 1 : 0, accountId) > 0;
    }

    @Override
    public List<Long> accountsWithQuota() {
        return db.query("SELECT id FROM accounts WHERE quota_bytes IS NOT NULL", rs -> rs.getLong(1));
    }

    @Override
    public int quotaWarned(long accountId) {
        return db.one("SELECT quota_warned FROM accounts WHERE id = ?", rs -> rs.getInt(1), accountId).orElse(0);
    }

    @Override
    public boolean changeQuotaWarned(long accountId, int from, int to) {
        return db.update("UPDATE accounts SET quota_warned = ? WHERE id = ? AND quota_warned = ?", to, accountId, from) > 0;
    }

    @Override
    public boolean setQuota(long accountId, Long quotaBytes) {
        changed();
        return db.update("UPDATE accounts SET quota_bytes = ? WHERE id = ?", quotaBytes, accountId) > 0;
    }

    @Override
    public boolean deleteAccount(long accountId) {
        changed();
        return db.update("DELETE FROM accounts WHERE id = ?", accountId) > 0;
    }

    @Override
    public Optional<Rows.AccountSecrets> secrets(long accountId) {
        return db.one("SELECT id, scram_sha256, cram_md5 FROM accounts WHERE id = ?",
                rs -> new Rows.AccountSecrets(rs.getLong("id"), rs.getString("scram_sha256"), rs.getString("cram_md5")),
                accountId);
    }

    @Override
    public boolean updateSecrets(long accountId, String scramSha256, String cramMd5) {
        return db.update("UPDATE accounts SET scram_sha256 = ?, cram_md5 = ? WHERE id = ?",
                scramSha256, cramMd5, accountId) > 0;
    }

    @Override
    public List<String> aliasTargets(String address) {
        return db.query("SELECT target FROM aliases WHERE address = ? ORDER BY target", rs -> rs.getString(1), address);
    }

    @Override
    public List<Rows.Alias> aliases(Long domainId) {
        if (domainId == null) {
            return db.query("SELECT address, target FROM aliases ORDER BY address, target", SqlDirectoryDao::aliasRow);
        }
        return db.query("SELECT address, target FROM aliases WHERE domain_id = ? ORDER BY address, target",
                SqlDirectoryDao::aliasRow, domainId);
    }

    @Override
    public void insertAlias(String address, String target, long domainId) {
        changed();
        db.update("INSERT INTO aliases (address, target, domain_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                address, target, domainId);
    }

    @Override
    public int deleteAlias(String address, String target) {
        changed();
        if (target == null) {
            return db.update("DELETE FROM aliases WHERE address = ?", address);
        }
        return db.update("DELETE FROM aliases WHERE address = ? AND target = ?", address, target);
    }

    @Override
    public List<Rows.SendAs> sendAs(Long accountId) {
        String sql = "SELECT s.account_id, a.address, s.pattern, s.created_at FROM send_as s "
                + "JOIN accounts a ON a.id = s.account_id";
        if (accountId == null) {
            return db.query(sql + " ORDER BY a.address, s.pattern", SqlDirectoryDao::sendAsRow);
        }
        return db.query(sql + " WHERE s.account_id = ? ORDER BY s.pattern", SqlDirectoryDao::sendAsRow, accountId);
    }

    @Override
    public boolean insertSendAs(long accountId, String pattern, Instant now) {
        return db.update("INSERT INTO send_as (account_id, pattern, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                accountId, pattern, now) > 0;
    }

    @Override
    public boolean deleteSendAs(long accountId, String pattern) {
        return db.update("DELETE FROM send_as WHERE account_id = ? AND pattern = ?", accountId, pattern) > 0;
    }

    @Override
    public int countAccounts(long domainId) {
        return (int) db.count("SELECT COUNT(*) FROM accounts WHERE domain_id = ?", domainId);
    }

    @Override
    public int countAliases(long domainId) {
        return (int) db.count("SELECT COUNT(DISTINCT address) FROM aliases WHERE domain_id = ?", domainId);
    }

    // The rows below are read by position (the order of their SELECTs' columns): the driver looks
    // a column name up in a map it builds for each result, a cost paid for every recipient.

    /** A row of {@code SELECT id, name, catch_all, created_at}. */
    private static Rows.Domain domainRow(ResultSet rs) throws SQLException {
        return new Rows.Domain(rs.getLong(1), rs.getString(2), rs.getString(3), Jdbc.instant(rs, 4));
    }

    /** A row of {@code SELECT} {@link #ACCOUNT_COLUMNS}. */
    private static Rows.Account accountRow(ResultSet rs) throws SQLException {
        return new Rows.Account(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                rs.getInt(6) != 0, Jdbc.instant(rs, 7), Jdbc.nullableLong(rs, 8), rs.getInt(9) != 0);
    }

    private static Rows.Alias aliasRow(ResultSet rs) throws SQLException {
        return new Rows.Alias(rs.getString("address"), rs.getString("target"));
    }

    private static Rows.SendAs sendAsRow(ResultSet rs) throws SQLException {
        return new Rows.SendAs(rs.getLong("account_id"), rs.getString("address"), rs.getString("pattern"),
                Jdbc.instant(rs, "created_at"));
    }
}
