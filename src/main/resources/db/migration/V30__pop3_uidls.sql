-- The POP3 unique id a message had on the server it was imported from (Dovecot's UIDL), so that
-- POP3 clients that leave mail on the server do not download it again; null for the others,
-- whose id is made from UIDVALIDITY and UID. Indexed only where set: delivery never writes it.
ALTER TABLE messages ADD COLUMN pop3_uidl TEXT;
CREATE INDEX messages_pop3_uidl ON messages (mailbox_id) WHERE pop3_uidl IS NOT NULL;
