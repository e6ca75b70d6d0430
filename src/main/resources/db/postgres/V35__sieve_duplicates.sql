-- Message ids a Sieve script's duplicate test has seen (RFC 7352); as db/migration/V35.
CREATE TABLE sieve_duplicates (
    account_id  BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id_hash     TEXT    COLLATE "C" NOT NULL,
    expires_at  BIGINT  NOT NULL,
    PRIMARY KEY (account_id, id_hash)
);
CREATE INDEX sieve_duplicates_expiry ON sieve_duplicates (expires_at);
