-- What IMAP reads often, kept in the index instead of being read from each message's content.

-- The top-level header section of a content (up to and including the blank line that ends it),
-- kept once per blob like its structure, so that a search on header fields reads no content.
-- NULL for contents stored before this version and for headers too large to keep: those are
-- read from the content when searched, and kept then.
ALTER TABLE blobs ADD COLUMN header BLOB;

-- \Recent (RFC 3501 §2.3.2): the first UID of the mailbox that no session has claimed yet. The
-- first IMAP4rev1 session to select the mailbox read-write (or to have it selected when mail
-- arrives) claims every UID from here to uidnext and moves it on, in one write. Mail already
-- there at this version is not recent.
ALTER TABLE mailboxes ADD COLUMN first_unclaimed_uid BIGINT NOT NULL DEFAULT 1;
UPDATE mailboxes SET first_unclaimed_uid = uidnext;
