-- The bytes a mailbox's messages take, kept up to date by every append and removal
-- (SqlMailboxDao), so that an account's usage is a sum over its few mailboxes: summing its
-- messages cost a read of every one of them at each delivery and RCPT to an account with a quota,
-- tens of milliseconds on the store's only writer for a mailbox of half a million messages.
-- The SQL runs on SQLite and PostgreSQL alike.
ALTER TABLE mailboxes ADD COLUMN bytes BIGINT NOT NULL DEFAULT 0;
UPDATE mailboxes SET bytes = (SELECT COALESCE(SUM(size), 0) FROM messages WHERE messages.mailbox_id = mailboxes.id);

-- It answered that sum; STATUS reads the message rows anyway. One B-tree less on each delivery.
DROP INDEX messages_size_by_mailbox;
