-- A mailbox's message, unseen and deleted counts, kept with every change; as db/migration/V21.
ALTER TABLE mailboxes ADD COLUMN message_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE mailboxes ADD COLUMN unseen_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE mailboxes ADD COLUMN deleted_count BIGINT NOT NULL DEFAULT 0;
UPDATE mailboxes SET
    message_count = (SELECT COUNT(*) FROM messages m WHERE m.mailbox_id = mailboxes.id),
    unseen_count = (SELECT COUNT(*) FROM messages m WHERE m.mailbox_id = mailboxes.id AND (m.system_flags & 1) = 0),
    deleted_count = (SELECT COUNT(*) FROM messages m WHERE m.mailbox_id = mailboxes.id AND (m.system_flags & 8) <> 0);
