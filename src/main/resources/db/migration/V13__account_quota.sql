-- Account quotas (docs/quota.md): the most bytes an account's mailboxes may hold together.
-- NULL: no limit. The SQL runs on SQLite and PostgreSQL alike.
ALTER TABLE accounts ADD COLUMN quota_bytes BIGINT;

-- The usage of an account is the sum of its messages' sizes; this index answers it without
-- reading the message rows (which carry the header prefixes).
CREATE INDEX messages_size_by_mailbox ON messages (mailbox_id, size);
