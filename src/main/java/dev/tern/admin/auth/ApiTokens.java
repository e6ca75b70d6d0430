package dev.tern.admin.auth;

import dev.tern.directory.Directory;
import dev.tern.directory.DirectoryException;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * API tokens: {@code tern_} followed by 32 random bytes in base64url. The token is shown once, when
 * it is made; the store keeps its SHA-256, its scopes, the domains it is limited to (a tenant's
 * token sees nothing of other domains), and its expiry. Used by `tern admin token` and the API.
 *
 * <p>The last use of a token is recorded at most once a minute, without waiting for the write,
 * so that reading with a token does not cost a commit per request.
 */
public final class ApiTokens {

    /** Every token starts with this: easy to recognise in logs and by secret scanners. */
    public static final String PREFIX = "tern_";
    /** The longest life a token may be given. */
    public static final int MAX_DAYS = 3650;

    private static final Logger LOG = LoggerFactory.getLogger(ApiTokens.class);
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private final MetadataStore store;
    private final Clock clock;

    /**
     * A token just made.
     *
     * @param token what the client sends in {@code Authorization: Bearer}; not stored anywhere
     */
    public record Created(String token, Rows.ApiToken row) {
        @Override
        public String toString() {
            return "Created[" + row.id() + "]";
        }
    }

    public ApiTokens(MetadataStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Makes a token.
     *
     * @param domains       the domains it is limited to (not with the admin scope); empty for all
     * @param expiresInDays days until it stops working, or null for never
     * @param createdBy     the admin making it, or {@code cli}
     */
    public Created create(String name, Collection<Scope> scopes, Collection<String> domains, Integer expiresInDays,
                          String createdBy) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty() || n.length() > 100 || n.chars().anyMatch(Character::isISOControl)) {
            throw invalid("a token needs a name of 1 to 100 characters, saying what it is for");
        }
        if (scopes.isEmpty()) {
            throw invalid("a token needs at least one scope: " + Scope.names());
        }
        Set<String> domainKeys = new TreeSet<>();
        for (String d : domains) {
            try {
                domainKeys.add(Directory.domainKey(d));
            } catch (DirectoryException e) {
                throw invalid(e.getMessage());
            }
        }
        if (!domainKeys.isEmpty() && scopes.contains(Scope.ADMIN)) {
            throw invalid("the admin scope cannot be limited to domains; give the scopes the token needs instead");
        }
        if (expiresInDays != null && (expiresInDays < 1 || expiresInDays > MAX_DAYS)) {
            throw invalid("a token expires after 1 to " + MAX_DAYS + " days, got " + expiresInDays);
        }
        Instant now = clock.instant();
        String token = PREFIX + Secrets.random();
        Rows.ApiToken row = new Rows.ApiToken(Secrets.id(8), n, Secrets.hash(token),
                new TreeSet<>(scopes).stream().map(Scope::wireName).toList(), List.copyOf(domainKeys), createdBy,
                now, null, expiresInDays == null ? null : now.plus(Duration.ofDays(expiresInDays)));
        store.writeAndWait(tx -> {
            tx.admin().insertToken(row);
            return null;
        });
        return new Created(token, row);
    }

    public List<Rows.ApiToken> list() {
        return store.read(tx -> tx.admin().tokens());
    }

    public void revoke(String id) {
        if (!store.writeAndWait(tx -> tx.admin().deleteToken(id))) {
            throw new AdminAuthException(AdminAuthException.Kind.NOT_FOUND, "no such token: " + id);
        }
    }

    /**
     * The principal of a token; empty when it is not one of ours, revoked or expired. Blocks on the
     * store.
     */
    public Optional<Principal> authenticate(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 100) {
            return Optional.empty();
        }
        Optional<Rows.ApiToken> found = store.read(tx -> tx.admin().tokenBySecret(Secrets.hash(token)));
        Instant now = clock.instant();
        if (found.isEmpty() || (found.get().expiresAt() != null && !now.isBefore(found.get().expiresAt()))) {
            return Optional.empty();
        }
        Rows.ApiToken t = found.get();
        if (t.lastUsedAt() == null || t.lastUsedAt().plus(TOUCH_INTERVAL).isBefore(now)) {
            store.write(tx -> {
                tx.admin().touchToken(t.id(), now);
                return null;
            }).exceptionally(e -> {
                LOG.debug("could not record the use of token {}: {}", t.id(), e.toString());
                return null;
            });
        }
        return Optional.of(new Principal(Principal.Kind.TOKEN, t.name(), t.id(), scopes(t), Set.copyOf(t.domains()),
                null, t.expiresAt()));
    }

    /** The scopes of a stored token; names this version does not know are left out. */
    public static Set<Scope> scopes(Rows.ApiToken t) {
        Set<Scope> out = new TreeSet<>();
        for (String s : t.scopes()) {
            Scope.parse(s).ifPresent(out::add);
        }
        return out;
    }

    private static AdminAuthException invalid(String message) {
        return new AdminAuthException(AdminAuthException.Kind.INVALID, message);
    }
}
