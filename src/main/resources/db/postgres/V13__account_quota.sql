-- Account quotas (docs/quota.md); as db/migration/V13.
ALTER TABLE accounts ADD COLUMN quota_bytes BIGINT;
CREATE INDEX messages_size_by_mailbox ON messages (mailbox_id, size);
