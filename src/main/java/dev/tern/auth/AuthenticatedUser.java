package dev.tern.auth;

/**
 * Who authenticated.
 *
 * @param accountId the account's store id
 * @param address   the account's address (its lookup key): the authenticated identity
 */
public record AuthenticatedUser(long accountId, String address) {
}
