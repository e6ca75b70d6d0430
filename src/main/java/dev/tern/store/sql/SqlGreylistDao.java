package dev.tern.store.sql;

import dev.tern.store.GreylistDao;
import dev.tern.store.Rows;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

final class SqlGreylistDao implements GreylistDao {

    private final Jdbc db;

    SqlGreylistDao(Jdbc db) {
        this.db = db;
    }

    @Override
    public Optional<Rows.GreylistTriplet> triplet(String clientNetwork, String sender, String recipient) {
        return db.one("SELECT client_network, sender, recipient, first_seen, last_seen, passed FROM greylist_triplets "
                        + "WHERE client_network = ? AND sender = ? AND recipient = ?", SqlGreylistDao::tripletRow,
                clientNetwork, sender, recipient);
    }

    @Override
    public void putTriplet(Rows.GreylistTriplet t) {
        db.update("INSERT INTO greylist_triplets (client_network, sender, recipient, first_seen, last_seen, passed) "
                        + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (client_network, sender, recipient) DO UPDATE SET "
                        + "first_seen = excluded.first_seen, last_seen = excluded.last_seen, passed = excluded.passed",
                t.clientNetwork(), t.sender(), t.recipient(), t.firstSeen(), t.lastSeen(), t.passed());
    }

    @Override
    public boolean touchTriplet(String clientNetwork, String sender, String recipient, Instant lastSeen) {
        return db.update("UPDATE greylist_triplets SET last_seen = ? "
                + "WHERE client_network = ? AND sender = ? AND recipient = ? AND passed = 1",
                lastSeen, clientNetwork, sender, recipient) > 0;
    }

    @Override
    public Optional<Rows.GreylistNetwork> network(String clientNetwork) {
        return db.one("SELECT client_network, passed, last_seen FROM greylist_networks WHERE client_network = ?",
                rs -> new Rows.GreylistNetwork(rs.getString("client_network"), rs.getInt("passed"),
                        Jdbc.instant(rs, "last_seen")), clientNetwork);
    }

    @Override
    public void addPass(String clientNetwork, Instant at, Instant countsSince) {
        db.update("INSERT INTO greylist_networks (client_network, passed, last_seen) VALUES (?, 1, ?) "
                + "ON CONFLICT (client_network) DO UPDATE SET "
                + "passed = CASE WHEN greylist_networks.last_seen < ? THEN 1 ELSE greylist_networks.passed + 1 END, "
                + "last_seen = excluded.last_seen", clientNetwork, at, countsSince);
    }

    @Override
    public boolean touchNetwork(String clientNetwork, Instant lastSeen) {
        return db.update("UPDATE greylist_networks SET last_seen = ? WHERE client_network = ?",
                lastSeen, clientNetwork) > 0;
    }

    @Override
    public int purge(Instant pendingBefore, Instant passedBefore, int limit) {
        int deleted = deleteTriplets(false, pendingBefore, limit);
        if (deleted < limit) {
            deleted += deleteTriplets(true, passedBefore, limit - deleted);
        }
        if (deleted < limit) {
            deleted += db.update("DELETE FROM greylist_networks WHERE client_network IN "
                    + "(SELECT client_network FROM greylist_networks WHERE last_seen < ? LIMIT ?)",
                    passedBefore, limit - deleted);
        }
        return deleted;
    }

    /** Up to a number of triplets, passed or not, last seen before a time; read from greylist_triplets_expiry (V20). */
    static final String PURGE_TRIPLETS = "DELETE FROM greylist_triplets WHERE (client_network, sender, recipient) IN "
            + "(SELECT client_network, sender, recipient FROM greylist_triplets "
            + "WHERE passed = ? AND last_seen < ? LIMIT ?)";

    private int deleteTriplets(boolean passed, Instant lastSeenBefore, int limit) {
        return db.update(PURGE_TRIPLETS, passed ? 1 : 0, lastSeenBefore, limit);
    }

    private static Rows.GreylistTriplet tripletRow(ResultSet rs) throws SQLException {
        return new Rows.GreylistTriplet(rs.getString("client_network"), rs.getString("sender"),
                rs.getString("recipient"), Jdbc.instant(rs, "first_seen"), Jdbc.instant(rs, "last_seen"),
                rs.getInt("passed") != 0);
    }
}
