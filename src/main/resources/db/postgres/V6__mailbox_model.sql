-- The mailbox model IMAP and POP3 need (docs/adr/0010-mailbox-layer.md); as db/migration/V6.

-- Flags: the five system flags as bits (\Seen 1, \Answered 2, \Flagged 4, \Deleted 8, \Draft 16);
-- keywords as a space-separated, sorted text.
ALTER TABLE messages RENAME COLUMN flags TO keywords;
ALTER TABLE messages ADD COLUMN system_flags INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_by_modseq ON messages (mailbox_id, modseq);
CREATE INDEX messages_by_blob ON messages (blob_id);

-- A mailbox kept only because it has children after a DELETE (RFC 3501 §6.3.4) is \Noselect.
ALTER TABLE mailboxes ADD COLUMN selectable INTEGER NOT NULL DEFAULT 1;

-- Subscriptions name mailboxes that may not exist (RFC 3501 §6.3.6), so they live apart.
CREATE TABLE subscriptions (
    account_id  BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name        TEXT    COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, name)
);
INSERT INTO subscriptions (account_id, name) SELECT account_id, name FROM mailboxes WHERE subscribed = 1;
ALTER TABLE mailboxes DROP COLUMN subscribed;

-- UIDVALIDITY values are taken from a per-account counter that only grows (RFC 3501 §2.3.1.1).
CREATE TABLE uidvalidity_counters (
    account_id  BIGINT  PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    last_value  BIGINT  NOT NULL
);
INSERT INTO uidvalidity_counters (account_id, last_value)
    SELECT account_id, MAX(uidvalidity) FROM mailboxes GROUP BY account_id;

-- Expunged UIDs with the MODSEQ of their expunge: QRESYNC's VANISHED (EARLIER) (RFC 7162 §3.2.10).
CREATE TABLE expunged (
    mailbox_id  BIGINT  NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
    uid         BIGINT  NOT NULL,
    modseq      BIGINT  NOT NULL,
    PRIMARY KEY (mailbox_id, uid)
);
CREATE INDEX expunged_by_modseq ON expunged (mailbox_id, modseq);

-- The parsed structure of a content, kept once per blob.
ALTER TABLE blobs ADD COLUMN structure TEXT COLLATE "C";
