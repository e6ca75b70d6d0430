package dev.tern.store.sql;

import dev.tern.store.SecretDao;

import java.time.Instant;
import java.util.Optional;

final class SqlSecretDao implements SecretDao {

    private final Jdbc db;

    SqlSecretDao(Jdbc db) {
        this.db = db;
    }

    @Override
    public Optional<String> secret(String name) {
        return db.one("SELECT value FROM server_secrets WHERE name = ?", rs -> rs.getString(1), name);
    }

    @Override
    public String keep(String name, String value, Instant now) {
        db.update("INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
                name, value, now);
        return secret(name).orElseThrow();
    }
}
