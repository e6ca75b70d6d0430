package dev.tern.admin.auth;

import dev.tern.directory.PasswordHasher;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The accounts that may log in to the admin listener (people running the server, not mail users).
 * Passwords are kept as Argon2id hashes, as account passwords are ({@link PasswordHasher}).
 * Used by `tern admin` and by the login of the API.
 */
public final class AdminAccounts {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,63}");

    private final MetadataStore store;
    private final Clock clock;
    /** Checked when a login names no admin, so that a failure takes as long either way. */
    private volatile String decoyHash;

    public AdminAccounts(MetadataStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public void add(String name, String password) {
        String key = nameKey(name);
        checkPassword(password);
        String hash = PasswordHasher.hash(password);
        if (!store.writeAndWait(tx -> tx.admin().insertAdminUser(key, hash, clock.instant()))) {
            throw new AdminAuthException(AdminAuthException.Kind.CONFLICT, "admin " + key + " already exists");
        }
    }

    public List<Rows.AdminUser> list() {
        return store.read(tx -> tx.admin().adminUsers());
    }

    /** Deletes an admin and ends its sessions. */
    public void delete(String name) {
        String key = nameKey(name);
        if (!store.writeAndWait(tx -> tx.admin().deleteAdminUser(key))) {
            throw noSuchAdmin(key);
        }
    }

    /** Sets a new password and ends the admin's sessions: whoever had the old one is logged out. */
    public void setPassword(String name, String password) {
        String key = nameKey(name);
        checkPassword(password);
        String hash = PasswordHasher.hash(password);
        boolean changed = store.writeAndWait(tx -> {
            if (!tx.admin().updateAdminPassword(key, hash)) {
                return false;
            }
            tx.admin().deleteSessions(key);
            return true;
        });
        if (!changed) {
            throw noSuchAdmin(key);
        }
    }

    /**
     * Checks a login. Slow on purpose (Argon2id), whether or not the admin exists: run it off the
     * event loops.
     *
     * @return the admin's name as stored, when the password is right
     */
    public Optional<String> verify(String name, String password) {
        String key;
        try {
            key = nameKey(name);
        } catch (AdminAuthException e) {
            return Optional.empty();
        }
        Optional<Rows.AdminUser> user = store.read(tx -> tx.admin().adminUser(key));
        if (user.isEmpty()) {
            PasswordHasher.verify(password, decoyHash());
            return Optional.empty();
        }
        return PasswordHasher.verify(password, user.get().passwordHash()) ? Optional.of(key) : Optional.empty();
    }

    /** An admin name as stored: lower case letters, digits and {@code . _ @ -}, at most 64. */
    public static String nameKey(String name) {
        String n = loginName(name);
        if (!NAME.matcher(n).matches()) {
            throw new AdminAuthException(AdminAuthException.Kind.INVALID, "\"" + name + "\" is not a valid admin name "
                    + "(letters, digits and . _ @ -, starting with a letter or digit, at most 64)");
        }
        return n;
    }

    /**
     * The name a login is for, whatever spelling was typed: trimmed and in lower case, as
     * {@link #nameKey} stores it, but not checked. Failed logins must be counted under this name,
     * so that " root" and "ROOT" are locked out with root: a lockout kept under the name as typed
     * would let a guesser go on under another spelling of it.
     */
    public static String loginName(String name) {
        return name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    }

    private String decoyHash() {
        String h = decoyHash;
        if (h == null) {
            h = PasswordHasher.hash(Secrets.random());
            decoyHash = h;
        }
        return h;
    }

    private static void checkPassword(String password) {
        if (password == null || password.isEmpty()) {
            throw new AdminAuthException(AdminAuthException.Kind.INVALID, "the password is empty");
        }
    }

    private static AdminAuthException noSuchAdmin(String key) {
        return new AdminAuthException(AdminAuthException.Kind.NOT_FOUND, "no such admin: " + key);
    }
}
