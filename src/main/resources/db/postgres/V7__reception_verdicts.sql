-- What the receiving checks concluded about an inbound message; as db/migration/V7.
ALTER TABLE queue_messages ADD COLUMN trace_fields TEXT COLLATE "C";
ALTER TABLE queue_messages ADD COLUMN quarantined INTEGER NOT NULL DEFAULT 0;
