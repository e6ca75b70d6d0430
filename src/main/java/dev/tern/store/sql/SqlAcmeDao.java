package dev.tern.store.sql;

import dev.tern.store.AcmeDao;
import dev.tern.store.Rows;

import java.time.Instant;
import java.util.Optional;

final class SqlAcmeDao implements AcmeDao {

    /** The one certificate and lock of the server. */
    private static final String SERVER = "server";

    private final Jdbc db;

    SqlAcmeDao(Jdbc db) {
        this.db = db;
    }

    @Override
    public Optional<String> accountKey(String directory) {
        return db.one("SELECT key_pem FROM acme_accounts WHERE directory = ?", rs -> rs.getString(1), directory);
    }

    @Override
    public boolean putAccountKeyIfAbsent(String directory, String keyPem, Instant now) {
        return db.update("INSERT INTO acme_accounts (directory, key_pem, created_at) VALUES (?, ?, ?) "
                + "ON CONFLICT (directory) DO NOTHING", directory, keyPem, now) > 0;
    }

    @Override
    public Optional<Rows.AcmeCertificate> certificate() {
        return db.one("SELECT chain_pem, key_pem, not_after, stored_at FROM acme_certificates WHERE id = ?",
                rs -> new Rows.AcmeCertificate(rs.getString("chain_pem"), rs.getString("key_pem"),
                        Jdbc.instant(rs, "not_after"), Jdbc.instant(rs, "stored_at")), SERVER);
    }

    @Override
    public void putCertificate(Rows.AcmeCertificate c) {
        db.update("INSERT INTO acme_certificates (id, chain_pem, key_pem, not_after, stored_at) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (id) DO UPDATE SET chain_pem = excluded.chain_pem, key_pem = excluded.key_pem, "
                        + "not_after = excluded.not_after, stored_at = excluded.stored_at",
                SERVER, c.chainPem(), c.keyPem(), c.notAfter(), c.storedAt());
    }

    @Override
    public void putChallenge(String token, String keyAuthorization, Instant expiresAt) {
        db.update("INSERT INTO acme_challenges (token, key_authorization, expires_at) VALUES (?, ?, ?) "
                + "ON CONFLICT (token) DO UPDATE SET key_authorization = excluded.key_authorization, "
                + "expires_at = excluded.expires_at", token, keyAuthorization, expiresAt);
    }

    @Override
    public Optional<String> challenge(String token, Instant now) {
        return db.one("SELECT key_authorization FROM acme_challenges WHERE token = ? AND expires_at > ?",
                rs -> rs.getString(1), token, now);
    }

    @Override
    public void deleteChallenge(String token) {
        db.update("DELETE FROM acme_challenges WHERE token = ?", token);
    }

    @Override
    public int purgeChallenges(Instant now) {
        return db.update("DELETE FROM acme_challenges WHERE expires_at <= ?", now);
    }

    @Override
    public boolean lockOrder(String owner, Instant until, Instant now) {
        return db.update("INSERT INTO acme_order_locks (id, owner, expires_at) VALUES (?, ?, ?) "
                + "ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at "
                + "WHERE acme_order_locks.expires_at <= ? OR acme_order_locks.owner = excluded.owner",
                SERVER, owner, until, now) > 0;
    }

    @Override
    public void unlockOrder(String owner) {
        db.update("DELETE FROM acme_order_locks WHERE id = ? AND owner = ?", SERVER, owner);
    }
}
