package dev.tern.auth;

import dev.tern.directory.Credentials;

import java.util.Optional;

/**
 * Finds what a login name may be checked against. In the server this is
 * {@link dev.tern.directory.Directory#credentials}; tests give a map.
 *
 * <p>May block, and may throw {@link dev.tern.store.StoreException} when the store cannot be read
 * (the exchange then fails TEMPORARY).
 */
@FunctionalInterface
public interface CredentialLookup {

    /** The account the login name names, enabled or not; empty when none does. */
    Optional<Credentials> find(String login);
}
