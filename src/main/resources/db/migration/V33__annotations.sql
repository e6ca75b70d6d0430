-- IMAP METADATA (RFC 5464) entries of mailboxes and of the server (docs/imap.md). A /private entry
-- belongs to one account (account_id), a /shared one to all who may read the mailbox (account_id
-- 0); mailbox_id 0 holds the server's entries.
CREATE TABLE annotations (
    mailbox_id  INTEGER NOT NULL,
    account_id  INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    PRIMARY KEY (mailbox_id, account_id, name)
);
CREATE INDEX annotations_by_account ON annotations (account_id);
