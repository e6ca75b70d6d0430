-- Sieve scripts (RFC 5228) of accounts, managed over ManageSieve (RFC 5804) or the command line
-- (docs/sieve.md). At most one script of an account is active; it filters the account's mail.
CREATE TABLE sieve_scripts (
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    content     TEXT    NOT NULL,
    active      INTEGER NOT NULL DEFAULT 0,
    updated_at  BIGINT  NOT NULL,
    PRIMARY KEY (account_id, name)
);

-- Whether the account has an active script, read with the account row at delivery, so that
-- accounts without one cost local delivery nothing more.
ALTER TABLE accounts ADD COLUMN sieve_active INTEGER NOT NULL DEFAULT 0;

-- Vacation replies sent (RFC 5230 §4.2): one per account, sender and handle until it expires.
CREATE TABLE sieve_vacation_replies (
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    sender      TEXT    NOT NULL,   -- the envelope sender replied to, lower case
    handle      TEXT    NOT NULL,   -- hex SHA-256 of the vacation's :handle or of its texts
    expires_at  BIGINT  NOT NULL,
    PRIMARY KEY (account_id, sender, handle)
);
CREATE INDEX sieve_vacation_replies_expiry ON sieve_vacation_replies (expires_at);
