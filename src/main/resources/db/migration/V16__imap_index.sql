-- What IMAP reads often, kept in the index instead of being read from each message's content.

-- The top-level header section of a content (up to and including the blank line that ends it),
-- kept once per blob like its structure, so that a search on header fields reads no content.
-- NULL for contents stored before this version and for headers too large to keep: those are
-- read from the content when searched, and kept then.
ALTER TABLE blobs ADD COLUMN header BLOB;
