-- Up to which MODSEQ a mailbox's expunged UIDs were dropped; as db/migration/V17.
CREATE TABLE expunged_trimmed (
    mailbox_id  BIGINT  PRIMARY KEY REFERENCES mailboxes(id) ON DELETE CASCADE,
    modseq      BIGINT  NOT NULL
);
