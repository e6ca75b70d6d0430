package dev.tern.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The admin listener's accounts, login sessions and API tokens. Names are lookup keys (lower
 * case); session ids and token secrets are stored as hashes (the callers hash them).
 */
public interface AdminDao {

    Optional<Rows.AdminUser> adminUser(String name);

    /** Every admin account, ordered by name. */
    List<Rows.AdminUser> adminUsers();

    /** Adds an admin account; false when one of that name exists. */
    boolean insertAdminUser(String name, String passwordHash, Instant now);

    /** Replaces an admin's password hash; false when there is no such admin. */
    boolean updateAdminPassword(String name, String passwordHash);

    /** Deletes an admin account with its sessions; false when there was none. */
    boolean deleteAdminUser(String name);

    void insertSession(Rows.AdminSession session);

    /** A session by id, expired or not (the caller compares {@code expiresAt}). */
    Optional<Rows.AdminSession> session(String id);

    /** Ends one session; false when there was none. */
    boolean deleteSession(String id);

    /** Ends every session of an admin; returns how many there were. */
    int deleteSessions(String adminName);

    /** Deletes the sessions that expired before {@code now}; returns how many. */
    int purgeSessions(Instant now);

    /** Adds a token; its id and secret hash must be new. */
    void insertToken(Rows.ApiToken token);

    /** The token with this secret hash, expired or not. */
    Optional<Rows.ApiToken> tokenBySecret(String secretHash);

    /** Every token, oldest first. */
    List<Rows.ApiToken> tokens();

    /** Revokes (deletes) a token; false when there was none. */
    boolean deleteToken(String id);

    /** Records a token's last use. */
    void touchToken(String id, Instant at);
}
