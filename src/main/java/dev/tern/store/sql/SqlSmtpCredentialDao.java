package dev.tern.store.sql;

import dev.tern.store.Rows;
import dev.tern.store.SmtpCredentialDao;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

final class SqlSmtpCredentialDao implements SmtpCredentialDao {

    private static final String SELECT = "SELECT c.name, c.domain_id, d.name AS domain, c.senders, c.rate_limit, "
            + "c.password_hash, c.scram_sha256, c.cram_md5, c.created_at, c.revoked_at, c.last_used_at, c.messages_sent "
            + "FROM smtp_credentials c JOIN domains d ON d.id = c.domain_id ";

    private final Jdbc db;

    SqlSmtpCredentialDao(Jdbc db) {
        this.db = db;
    }

    @Override
    public boolean insert(Rows.SmtpCredential c) {
        return db.update("INSERT INTO smtp_credentials (name, domain_id, senders, rate_limit, password_hash, "
                        + "scram_sha256, cram_md5, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                c.name(), c.domainId(), c.senders(), c.rateLimit(), c.passwordHash(), c.scramSha256(), c.cramMd5(),
                c.createdAt()) > 0;
    }

    @Override
    public Optional<Rows.SmtpCredential> credential(String name) {
        return db.one(SELECT + "WHERE c.name = ?", SqlSmtpCredentialDao::row, name);
    }

    @Override
    public List<Rows.SmtpCredential> credentials(Long domainId) {
        return domainId == null
                ? db.query(SELECT + "ORDER BY c.name", SqlSmtpCredentialDao::row)
                : db.query(SELECT + "WHERE c.domain_id = ? ORDER BY c.name", SqlSmtpCredentialDao::row, domainId);
    }

    @Override
    public boolean revoke(String name, Instant at) {
        return db.update("UPDATE smtp_credentials SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", at, name) > 0;
    }

    @Override
    public boolean addUsage(String name, long messages, Instant lastUsed) {
        return db.update("UPDATE smtp_credentials SET messages_sent = messages_sent + ?, last_used_at = "
                        + "CASE WHEN last_used_at IS NULL OR last_used_at < ? THEN ? ELSE last_used_at END WHERE name = ?",
                messages, lastUsed, lastUsed, name) > 0;
    }

    @Override
    public int countActive(long domainId) {
        return (int) db.count("SELECT COUNT(*) FROM smtp_credentials WHERE domain_id = ? AND revoked_at IS NULL", domainId);
    }

    private static Rows.SmtpCredential row(ResultSet rs) throws SQLException {
        return new Rows.SmtpCredential(rs.getString("name"), rs.getLong("domain_id"), rs.getString("domain"),
                rs.getString("senders"), rs.getString("rate_limit"), rs.getString("password_hash"),
                rs.getString("scram_sha256"), rs.getString("cram_md5"), Jdbc.instant(rs, "created_at"),
                Jdbc.nullableInstant(rs, "revoked_at"), Jdbc.nullableInstant(rs, "last_used_at"),
                rs.getLong("messages_sent"));
    }
}
