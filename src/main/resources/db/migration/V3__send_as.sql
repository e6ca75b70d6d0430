-- Addresses an account may use as a sender besides its own and its aliases': envelope sender
-- (MAIL FROM) and From: header of mail it submits.
CREATE TABLE send_as (
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    pattern     TEXT    NOT NULL,          -- an address lookup key (local@a-label.domain), or "@" + A-label domain
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (account_id, pattern)
);
