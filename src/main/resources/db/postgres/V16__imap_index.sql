-- What IMAP reads often, kept in the index; as db/migration/V16.

-- The top-level header section of a content, once per blob; NULL when not (yet) kept.
ALTER TABLE blobs ADD COLUMN header BYTEA;
