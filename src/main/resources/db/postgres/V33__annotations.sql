-- IMAP METADATA (RFC 5464) entries; as db/migration/V33.
CREATE TABLE annotations (
    mailbox_id  BIGINT  NOT NULL,
    account_id  BIGINT  NOT NULL,
    name        TEXT    COLLATE "C" NOT NULL,
    value       TEXT    COLLATE "C" NOT NULL,
    PRIMARY KEY (mailbox_id, account_id, name)
);
CREATE INDEX annotations_by_account ON annotations (account_id);
