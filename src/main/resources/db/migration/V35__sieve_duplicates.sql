-- Message ids a Sieve script's duplicate test has seen (RFC 7352): one per account and key until
-- it expires; the key is the hex SHA-256 of the test's handle and the id it tracked.
CREATE TABLE sieve_duplicates (
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id_hash     TEXT    NOT NULL,
    expires_at  BIGINT  NOT NULL,
    PRIMARY KEY (account_id, id_hash)
);
CREATE INDEX sieve_duplicates_expiry ON sieve_duplicates (expires_at);
