-- What IMAP reads often, kept in the index; as db/migration/V16.

-- The top-level header section of a content, once per blob; NULL when not (yet) kept.
ALTER TABLE blobs ADD COLUMN header BYTEA;

-- \Recent: the first UID no session has claimed yet (see db/migration/V16).
ALTER TABLE mailboxes ADD COLUMN first_unclaimed_uid BIGINT NOT NULL DEFAULT 1;
UPDATE mailboxes SET first_unclaimed_uid = uidnext;
