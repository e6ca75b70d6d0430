-- The expunged UIDs of a mailbox are trimmed to the most recent ones (MailboxDao.trimExpunged).
-- A mailbox's row here says up to which MODSEQ its expunged UIDs were dropped: changes asked for
-- since an older MODSEQ cannot be listed exactly any more. No row: nothing was ever dropped.
CREATE TABLE expunged_trimmed (
    mailbox_id  INTEGER PRIMARY KEY REFERENCES mailboxes(id) ON DELETE CASCADE,
    modseq      BIGINT  NOT NULL
);
