package dev.tern.admin.auth;

import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Console logins. A session is a random cookie value; the store keeps its SHA-256 with the admin's
 * name, a CSRF token and the expiry, so that every node sharing the store accepts the cookie and a
 * restart logs no one out. A session lasts a fixed time from login; expired ones are deleted at the
 * next login.
 *
 * <p>Security: the cookie value is never stored; the CSRF token is random per session and compared
 * in constant time by the router. An admin session holds the {@link Scope#ADMIN} scope.
 */
public final class AdminSessions {

    private final MetadataStore store;
    private final AdminAccounts accounts;
    private final Duration lifetime;
    private final Clock clock;

    /**
     * A new session.
     *
     * @param cookieValue the value of the session cookie: shown once, to the client that logged in
     */
    public record Login(String cookieValue, Rows.AdminSession session) {
        @Override
        public String toString() {
            return "Login[" + session + "]";
        }
    }

    public AdminSessions(MetadataStore store, AdminAccounts accounts, Duration lifetime, Clock clock) {
        this.store = store;
        this.accounts = accounts;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** Checks the password (slowly: off the event loops) and opens a session; empty when refused. */
    public Optional<Login> login(String name, String password) {
        Optional<String> admin = accounts.verify(name, password);
        if (admin.isEmpty()) {
            return Optional.empty();
        }
        String cookie = Secrets.random();
        Instant now = clock.instant();
        Rows.AdminSession s = new Rows.AdminSession(Secrets.hash(cookie), admin.get(), Secrets.random(), now,
                now.plus(lifetime));
        store.writeAndWait(tx -> {
            tx.admin().purgeSessions(now);
            tx.admin().insertSession(s);
            return null;
        });
        return Optional.of(new Login(cookie, s));
    }

    /** The session of a cookie value; empty when unknown or expired. Blocks on the store. */
    public Optional<Principal> authenticate(String cookieValue) {
        if (cookieValue == null || cookieValue.isEmpty() || cookieValue.length() > 100) {
            return Optional.empty();
        }
        Optional<Rows.AdminSession> s = store.read(tx -> tx.admin().session(Secrets.hash(cookieValue)));
        if (s.isEmpty() || !clock.instant().isBefore(s.get().expiresAt())) {
            return Optional.empty();
        }
        Rows.AdminSession session = s.get();
        return Optional.of(new Principal(Principal.Kind.SESSION, session.adminName(), session.id(),
                EnumSet.of(Scope.ADMIN), Set.of(), session.csrfToken(), session.expiresAt()));
    }

    /** Ends a session (by its id, the hash). */
    public void logout(String sessionId) {
        store.writeAndWait(tx -> tx.admin().deleteSession(sessionId));
    }
}
