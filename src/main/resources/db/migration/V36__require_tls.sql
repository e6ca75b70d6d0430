-- RFC 8689 REQUIRETLS: the message goes on only over TLS with a verified certificate, to servers
-- that offer REQUIRETLS themselves.
ALTER TABLE queue_messages ADD COLUMN require_tls INTEGER NOT NULL DEFAULT 0;
