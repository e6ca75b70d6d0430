package dev.tern.directory;

import dev.tern.mail.SenderScope;

/**
 * What the SASL mechanisms may check a login against: an account, or an SMTP credential of an
 * application (which has no account and is limited to its sender scope).
 *
 * @param accountId    store id; 0 for an SMTP credential
 * @param address      the account's lookup key, or the credential's name: the identity that authenticates
 * @param enabled      disabled accounts and revoked credentials cannot log in
 * @param passwordHash Argon2id PHC string (PLAIN, LOGIN), or null
 * @param scram        SCRAM-SHA-256 keys, or null for accounts whose password was set before they existed
 * @param cramMd5      CRAM-MD5 states, or null unless CRAM-MD5 was enabled for the account
 * @param senderScope  the senders an SMTP credential may use; null for an account
 */
public record Credentials(long accountId, String address, boolean enabled, String passwordHash,
                          ScramSecret scram, CramMd5Secret cramMd5, SenderScope senderScope) {

    /** An account's. */
    public Credentials(long accountId, String address, boolean enabled, String passwordHash,
                       ScramSecret scram, CramMd5Secret cramMd5) {
        this(accountId, address, enabled, passwordHash, scram, cramMd5, null);
    }

    @Override
    public String toString() {
        return "Credentials[" + address + "]";
    }
}
