-- POP3 maildrop locks (RFC 1939 §8: one session per maildrop) that hold across nodes sharing the
-- store: a lease per account, renewed while the session lasts, taken over once it has expired
-- (its node died).
CREATE TABLE maildrop_locks (
    account_id  BIGINT  PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    owner       TEXT    NOT NULL,          -- node and session that hold it
    expires_at  BIGINT  NOT NULL           -- epoch ms
);
