package dev.tern.auth;

import dev.tern.mail.SenderScope;

/**
 * Who authenticated.
 *
 * @param accountId   the account's store id; 0 for an SMTP credential, which has no account
 * @param address     the account's address (its lookup key), or the credential's name: the authenticated identity
 * @param senderScope the senders an SMTP credential is limited to; null for an account
 */
public record AuthenticatedUser(long accountId, String address, SenderScope senderScope) {

    /** An account. */
    public AuthenticatedUser(long accountId, String address) {
        this(accountId, address, null);
    }
}
