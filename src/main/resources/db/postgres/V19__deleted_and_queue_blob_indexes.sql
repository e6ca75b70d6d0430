-- The messages flagged \Deleted, and queue messages by blob; as db/migration/V19.
CREATE INDEX messages_deleted ON messages (mailbox_id, uid) WHERE (system_flags & 8) <> 0;
CREATE INDEX queue_messages_by_blob ON queue_messages (blob_id);
