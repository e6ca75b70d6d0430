package dev.tern.auth;

import dev.tern.directory.Credentials;
import dev.tern.directory.ForeignPasswordHash;
import dev.tern.directory.PasswordHasher;
import dev.tern.store.StoreException;

import java.util.Locale;
import java.util.Optional;

/**
 * Checks a login name and a clear-text password (PLAIN, LOGIN: SMTP AUTH, IMAP LOGIN and
 * AUTHENTICATE, POP3 USER/PASS and AUTH) against the account's Argon2id hash, with a
 * {@link PasswordCache} of recent successes in front of the hash.
 *
 * <p>Security: the account is looked up afresh every time, so a changed password, a disabled or
 * removed account takes effect at once whatever the cache holds. An unknown name costs the same
 * Argon2id work as a known one (a hash of a throw-away password is checked instead), so the time
 * of the answer does not tell which names exist; a disabled account answers like a wrong password.
 * Only a password that was right recently can be answered faster.
 */
final class PasswordCheck {

    /** The expensive comparison; Argon2id in the server, a counting stand-in in tests. */
    @FunctionalInterface
    interface Hasher {
        boolean verify(String password, String storedHash);
    }

    private final PasswordCache cache;
    private final Hasher hasher;
    private final PasswordUpgrade upgrade;

    PasswordCheck(PasswordCache cache, Hasher hasher) {
        this(cache, hasher, PasswordUpgrade.NONE);
    }

    /** @param upgrade told of each login a hash from another server accepted */
    PasswordCheck(PasswordCache cache, Hasher hasher, PasswordUpgrade upgrade) {
        this.cache = cache;
        this.hasher = hasher;
        this.upgrade = upgrade;
    }

    SaslStep verify(CredentialLookup lookup, String login, String password) {
        Optional<Credentials> found;
        try {
            found = lookup.find(login);
        } catch (StoreException e) {
            return new SaslStep.Failure(SaslStep.FailureReason.TEMPORARY, "account store unavailable");
        }
        if (found.isEmpty() || found.get().passwordHash() == null) {
            hasher.verify(password, Dummy.HASH);
            return new SaslStep.Failure(SaslStep.FailureReason.BAD_CREDENTIALS, "unknown user");
        }
        Credentials c = found.get();
        String who = cacheKey(c);
        boolean cached = cache.verified(who, password, c.passwordHash());
        if (!cached && !hasher.verify(password, c.passwordHash())) {
            return new SaslStep.Failure(SaslStep.FailureReason.BAD_CREDENTIALS, "wrong password");
        }
        if (!c.enabled()) {
            return new SaslStep.Failure(SaslStep.FailureReason.BAD_CREDENTIALS, "account disabled");
        }
        if (!cached) {
            cache.remember(who, password, c.passwordHash());
        }
        if (ForeignPasswordHash.isForeign(c.passwordHash())) {
            try {
                upgrade.acceptedByForeignHash(c, password);
            } catch (RuntimeException e) {
                // the login stands; the hash is replaced at a later one
            }
        }
        return new SaslStep.Success(new AuthenticatedUser(c.accountId(), c.address(), c.senderScope()), null);
    }

    /** Accounts by id; SMTP credentials of applications, which have no account, by name. */
    private static String cacheKey(Credentials c) {
        return c.accountId() > 0 ? "account:" + c.accountId() : "credential:" + c.address().toLowerCase(Locale.ROOT);
    }

    /** Made on first use: hashing costs tens of milliseconds. */
    private static final class Dummy {
        static final String HASH = PasswordHasher.hash("not a password of anyone");
    }
}
