-- POP3 maildrop locks (RFC 1939 §8) that hold across nodes: a lease per account; as db/migration/V15.
CREATE TABLE maildrop_locks (
    account_id  BIGINT  PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    owner       TEXT    COLLATE "C" NOT NULL,  -- node and session that hold it
    expires_at  BIGINT  NOT NULL               -- epoch ms
);
