package dev.tern.directory;

/**
 * What the SASL mechanisms may check a login against, for one account.
 *
 * @param accountId    store id
 * @param address      the account's lookup key: the identity that authenticates
 * @param enabled      disabled accounts cannot log in
 * @param passwordHash Argon2id PHC string (PLAIN, LOGIN), or null
 * @param scram        SCRAM-SHA-256 keys, or null for accounts whose password was set before they existed
 * @param cramMd5      CRAM-MD5 states, or null unless CRAM-MD5 was enabled for the account
 */
public record Credentials(long accountId, String address, boolean enabled, String passwordHash,
                          ScramSecret scram, CramMd5Secret cramMd5) {

    @Override
    public String toString() {
        return "Credentials[" + address + "]";
    }
}
