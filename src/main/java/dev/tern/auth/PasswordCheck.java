package dev.tern.auth;

import dev.tern.directory.Credentials;
import dev.tern.directory.PasswordHasher;
import dev.tern.store.StoreException;

import java.util.Optional;

/**
 * Checks a login name and a clear-text password (PLAIN, LOGIN) against the account's Argon2id hash.
 *
 * <p>Security: an unknown name costs the same Argon2id work as a known one (a hash of a throw-away
 * password is checked instead), so the time of the answer does not tell which names exist; a
 * disabled account answers like a wrong password.
 */
final class PasswordCheck {

    private PasswordCheck() {
    }

    static SaslStep verify(CredentialLookup lookup, String login, String password) {
        Optional<Credentials> found;
        try {
            found = lookup.find(login);
        } catch (StoreException e) {
            return new SaslStep.Failure(SaslStep.FailureReason.TEMPORARY, "account store unavailable");
        }
        if (found.isEmpty() || found.get().passwordHash() == null) {
            PasswordHasher.verify(password, Dummy.HASH);
            return new SaslStep.Failure(SaslStep.FailureReason.BAD_CREDENTIALS, "unknown user");
        }
        Credentials c = found.get();
        if (!PasswordHasher.verify(password, c.passwordHash())) {
            return new SaslStep.Failure(SaslStep.FailureReason.BAD_CREDENTIALS, "wrong password");
        }
        if (!c.enabled()) {
            return new SaslStep.Failure(SaslStep.FailureReason.BAD_CREDENTIALS, "account disabled");
        }
        return new SaslStep.Success(new AuthenticatedUser(c.accountId(), c.address(), c.senderScope()), null);
    }

    /** Made on first use: hashing costs tens of milliseconds. */
    private static final class Dummy {
        static final String HASH = PasswordHasher.hash("not a password of anyone");
    }
}
