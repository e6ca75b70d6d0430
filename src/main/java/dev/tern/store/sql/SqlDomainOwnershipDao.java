package dev.tern.store.sql;

import dev.tern.store.DomainOwnershipDao;
import dev.tern.store.Rows;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

final class SqlDomainOwnershipDao implements DomainOwnershipDao {

    private static final String COLUMNS = "o.domain_id, o.token, o.created_at, o.verified_at";

    private final Jdbc db;

    SqlDomainOwnershipDao(Jdbc db) {
        this.db = db;
    }

    @Override
    public Optional<Rows.DomainOwnership> ownership(long domainId) {
        return db.one("SELECT " + COLUMNS + " FROM domain_ownership o WHERE o.domain_id = ?",
                SqlDomainOwnershipDao::row, domainId);
    }

    @Override
    public Optional<Rows.DomainOwnership> ownership(String domainName) {
        return db.one("SELECT " + COLUMNS + " FROM domain_ownership o JOIN domains d ON d.id = o.domain_id "
                + "WHERE d.name = ?", SqlDomainOwnershipDao::row, domainName);
    }

    @Override
    public boolean insert(long domainId, String token, Instant createdAt) {
        return db.update("INSERT INTO domain_ownership (domain_id, token, created_at) VALUES (?, ?, ?) "
                + "ON CONFLICT DO NOTHING", domainId, token, createdAt) > 0;
    }

    @Override
    public boolean markVerified(long domainId, Instant at) {
        return db.update("UPDATE domain_ownership SET verified_at = ? WHERE domain_id = ? AND verified_at IS NULL",
                at, domainId) > 0;
    }

    private static Rows.DomainOwnership row(ResultSet rs) throws SQLException {
        return new Rows.DomainOwnership(rs.getLong("domain_id"), rs.getString("token"),
                Jdbc.instant(rs, "created_at"), Jdbc.nullableInstant(rs, "verified_at"));
    }
}
