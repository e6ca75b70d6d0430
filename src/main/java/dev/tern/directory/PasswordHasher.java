package dev.tern.directory;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

/**
 * Password hashes for accounts: Argon2id with the OWASP-recommended cost (19 MiB, 2 passes, one
 * lane) and a random salt; the PHC string keeps the parameters, so the cost can be raised later
 * without breaking stored hashes. An account brought over from another server may hold that
 * server's hash until its first login ({@link ForeignPasswordHash}).
 */
public final class PasswordHasher {

    private static final Argon2Function ARGON2 = Argon2Function.getInstance(19_456, 2, 1, 32, Argon2.ID);

    private PasswordHasher() {
    }

    public static String hash(String password) {
        return Password.hash(password).addRandomSalt(16).with(ARGON2).getResult();
    }

    /** Checks a password against a stored hash: Tern's own, or one brought over from another server. */
    public static boolean verify(String password, String hash) {
        if (hash == null || password == null) {
            return false;
        }
        if (ForeignPasswordHash.isForeign(hash)) {
            return ForeignPasswordHash.verify(password, hash);
        }
        return Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
    }
}
