package dev.tern.store.sql;

import dev.tern.store.AdminDao;
import dev.tern.store.Rows;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

final class SqlAdminDao implements AdminDao {

    private static final String TOKEN_COLUMNS =
            "id, name, secret_hash, scopes, domains, created_by, created_at, last_used_at, expires_at";

    private final Jdbc db;

    SqlAdminDao(Jdbc db) {
        this.db = db;
    }

    @Override
    public Optional<Rows.AdminUser> adminUser(String name) {
        return db.one("SELECT name, password_hash, created_at FROM admin_users WHERE name = ?", SqlAdminDao::userRow, name);
    }

    @Override
    public List<Rows.AdminUser> adminUsers() {
        return db.query("SELECT name, password_hash, created_at FROM admin_users ORDER BY name", SqlAdminDao::userRow);
    }

    @Override
    public boolean insertAdminUser(String name, String passwordHash, Instant now) {
        return db.update("INSERT INTO admin_users (name, password_hash, created_at) VALUES (?, ?, ?) "
                + "ON CONFLICT (name) DO NOTHING", name, passwordHash, now) > 0;
    }

    @Override
    public boolean updateAdminPassword(String name, String passwordHash) {
        return db.update("UPDATE admin_users SET password_hash = ? WHERE name = ?", passwordHash, name) > 0;
    }

    @Override
    public boolean deleteAdminUser(String name) {
        deleteSessions(name);
        return db.update("DELETE FROM admin_users WHERE name = ?", name) > 0;
    }

    @Override
    public void insertSession(Rows.AdminSession s) {
        db.update("INSERT INTO admin_sessions (id, admin_name, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                s.id(), s.adminName(), s.csrfToken(), s.createdAt(), s.expiresAt());
    }

    @Override
    public Optional<Rows.AdminSession> session(String id) {
        return db.one("SELECT id, admin_name, csrf_token, created_at, expires_at FROM admin_sessions WHERE id = ?",
                rs -> new Rows.AdminSession(rs.getString("id"), rs.getString("admin_name"), rs.getString("csrf_token"),
                        Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "expires_at")), id);
    }

    @Override
    public boolean deleteSession(String id) {
        return db.update("DELETE FROM admin_sessions WHERE id = ?", id) > 0;
    }

    @Override
    public int deleteSessions(String adminName) {
        return db.update("DELETE FROM admin_sessions WHERE admin_name = ?", adminName);
    }

    @Override
    public int purgeSessions(Instant now) {
        return db.update("DELETE FROM admin_sessions WHERE expires_at < ?", now);
    }

    @Override
    public void insertToken(Rows.ApiToken t) {
        db.update("INSERT INTO api_tokens (" + TOKEN_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                t.id(), t.name(), t.secretHash(), String.join(" ", t.scopes()),
                t.domains().isEmpty() ? null : String.join(" ", t.domains()), t.createdBy(), t.createdAt(),
                t.lastUsedAt(), t.expiresAt());
    }

    @Override
    public Optional<Rows.ApiToken> tokenBySecret(String secretHash) {
        return db.one("SELECT " + TOKEN_COLUMNS + " FROM api_tokens WHERE secret_hash = ?", SqlAdminDao::tokenRow,
                secretHash);
    }

    @Override
    public List<Rows.ApiToken> tokens() {
        return db.query("SELECT " + TOKEN_COLUMNS + " FROM api_tokens ORDER BY created_at, id", SqlAdminDao::tokenRow);
    }

    @Override
    public boolean deleteToken(String id) {
        return db.update("DELETE FROM api_tokens WHERE id = ?", id) > 0;
    }

    @Override
    public void touchToken(String id, Instant at) {
        db.update("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", at, id);
    }

    private static Rows.AdminUser userRow(ResultSet rs) throws SQLException {
        return new Rows.AdminUser(rs.getString("name"), rs.getString("password_hash"), Jdbc.instant(rs, "created_at"));
    }

    private static Rows.ApiToken tokenRow(ResultSet rs) throws SQLException {
        return new Rows.ApiToken(rs.getString("id"), rs.getString("name"), rs.getString("secret_hash"),
                words(rs.getString("scopes")), words(rs.getString("domains")), rs.getString("created_by"),
                Jdbc.instant(rs, "created_at"), nullableInstant(rs, "last_used_at"), nullableInstant(rs, "expires_at"));
    }

    private static List<String> words(String text) {
        return text == null || text.isBlank() ? List.of() : Arrays.asList(text.trim().split(" +"));
    }

    private static Instant nullableInstant(ResultSet rs, String column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }
}
