package dev.tern.store.sql;

import dev.tern.store.MtaStsDao;
import dev.tern.store.Rows;

import java.time.Instant;
import java.util.Optional;

final class SqlMtaStsDao implements MtaStsDao {

    private final Jdbc db;

    SqlMtaStsDao(Jdbc db) {
        this.db = db;
    }

    @Override
    public Optional<Rows.MtaStsPolicy> policy(String domain) {
        return db.one("SELECT domain, policy_id, policy, fetched_at, expires_at FROM mta_sts_policies WHERE domain = ?",
                rs -> new Rows.MtaStsPolicy(rs.getString("domain"), rs.getString("policy_id"), rs.getString("policy"),
                        Jdbc.instant(rs, "fetched_at"), Jdbc.instant(rs, "expires_at")), domain);
    }

    @Override
    public void put(Rows.MtaStsPolicy p) {
        db.update("INSERT INTO mta_sts_policies (domain, policy_id, policy, fetched_at, expires_at) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (domain) DO UPDATE SET policy_id = excluded.policy_id, policy = excluded.policy, "
                        + "fetched_at = excluded.fetched_at, expires_at = excluded.expires_at",
                p.domain(), p.policyId(), p.policy(), p.fetchedAt(), p.expiresAt());
    }

    @Override
    public int purge(Instant now, int limit) {
        return db.update("DELETE FROM mta_sts_policies WHERE domain IN "
                + "(SELECT domain FROM mta_sts_policies WHERE expires_at < ? LIMIT ?)", now, limit);
    }
}
