-- Addresses an account may use as a sender besides its own and its aliases'; as db/migration/V3.
CREATE TABLE send_as (
    account_id  BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    pattern     TEXT    COLLATE "C" NOT NULL,  -- an address lookup key (local@a-label.domain), or "@" + A-label domain
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (account_id, pattern)
);
