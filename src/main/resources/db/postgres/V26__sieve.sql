-- Sieve scripts and vacation replies (docs/sieve.md); as db/migration/V26.
CREATE TABLE sieve_scripts (
    account_id  BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name        TEXT    COLLATE "C" NOT NULL,
    content     TEXT    COLLATE "C" NOT NULL,
    active      INTEGER NOT NULL DEFAULT 0,
    updated_at  BIGINT  NOT NULL,
    PRIMARY KEY (account_id, name)
);

ALTER TABLE accounts ADD COLUMN sieve_active INTEGER NOT NULL DEFAULT 0;

CREATE TABLE sieve_vacation_replies (
    account_id  BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    sender      TEXT    COLLATE "C" NOT NULL,
    handle      TEXT    COLLATE "C" NOT NULL,
    expires_at  BIGINT  NOT NULL,
    PRIMARY KEY (account_id, sender, handle)
);
CREATE INDEX sieve_vacation_replies_expiry ON sieve_vacation_replies (expires_at);
