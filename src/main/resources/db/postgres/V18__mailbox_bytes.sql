-- The bytes a mailbox's messages take, kept by every append and removal; as db/migration/V18.
ALTER TABLE mailboxes ADD COLUMN bytes BIGINT NOT NULL DEFAULT 0;
UPDATE mailboxes SET bytes = (SELECT COALESCE(SUM(size), 0) FROM messages WHERE messages.mailbox_id = mailboxes.id);
DROP INDEX messages_size_by_mailbox;
