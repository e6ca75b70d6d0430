package dev.tern.auth;

import dev.tern.directory.Credentials;

/**
 * Told when a password was accepted by a hash that another server made (an account brought over
 * with its hash, docs/migration.md), so that the password is kept the server's own way from then
 * on. Runs after the success is decided; whatever it does cannot change the answer.
 */
@FunctionalInterface
public interface PasswordUpgrade {

    PasswordUpgrade NONE = (credentials, password) -> { };

    void acceptedByForeignHash(Credentials credentials, String password);
}
