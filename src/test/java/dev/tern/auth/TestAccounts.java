package dev.tern.auth;

import dev.tern.directory.CramMd5Secret;
import dev.tern.directory.Credentials;
import dev.tern.directory.PasswordHasher;
import dev.tern.directory.ScramSecret;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** An in-memory credential lookup for tests, keyed like the directory (address key, else lower case). */
final class TestAccounts implements CredentialLookup {

    /** Argon2id and PBKDF2 are slow on purpose: each password's secrets are made once per test run. */
    private static final Map<String, Credentials> MADE = new java.util.concurrent.ConcurrentHashMap<>();

    private final Map<String, Credentials> byLogin = new HashMap<>();
    private long nextId = 1;

    /** An enabled account with an Argon2id hash and SCRAM keys, and CRAM-MD5 states when asked. */
    TestAccounts add(String login, String password, boolean cramMd5) {
        Credentials made = MADE.computeIfAbsent(password, p -> new Credentials(0, "", true, PasswordHasher.hash(p),
                ScramSecret.derive(p, new byte[]{1, 2, 3, 4, 5, 6, 7, 8}, 4096), null));
        return put(new Credentials(nextId++, SaslText.identityKey(login), true, made.passwordHash(), made.scram(),
                cramMd5 ? CramMd5Secret.create(password) : null));
    }

    TestAccounts put(Credentials c) {
        byLogin.put(SaslText.identityKey(c.address()), c);
        return this;
    }

    Credentials get(String login) {
        return byLogin.get(SaslText.identityKey(login));
    }

    @Override
    public Optional<Credentials> find(String login) {
        return Optional.ofNullable(byLogin.get(SaslText.identityKey(login)));
    }
}
