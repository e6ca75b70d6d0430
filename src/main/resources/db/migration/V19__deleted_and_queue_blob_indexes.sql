-- EXPUNGE and CLOSE look for the messages flagged \Deleted (bit 8 of system_flags). This index
-- holds only those, so finding them reads the few flagged rows, not every message of the mailbox
-- (1.2 s on the store's writer for a mailbox of 500,000 messages). The SQL runs on SQLite and
-- PostgreSQL alike.
CREATE INDEX messages_deleted ON messages (mailbox_id, uid) WHERE (system_flags & 8) <> 0;

-- Deleting a blob makes the database check that no queue message still refers to it (the foreign
-- key): without an index that check read the whole queue each time a content's last reference
-- went (after every remote delivery).
CREATE INDEX queue_messages_by_blob ON queue_messages (blob_id);
