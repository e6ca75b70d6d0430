-- When each message was put into its mailbox (delivery, APPEND, COPY, MOVE): what the removal of
-- old messages from Trash and Junk counts from ([retention]), and IMAP's save date (RFC 8514).
ALTER TABLE messages ADD COLUMN saved_at BIGINT;

-- Messages already in Trash and Junk count as put there now, so that none is removed sooner than
-- [retention] says after this version starts. Elsewhere the save date stays unknown (NULL).
UPDATE messages SET saved_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000
WHERE mailbox_id IN (SELECT id FROM mailboxes WHERE special_use IN ('\Trash', '\Junk'));
