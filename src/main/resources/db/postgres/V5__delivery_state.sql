-- Outbound delivery: delay warnings are sent once, and in-flight leases; as db/migration/V5.
ALTER TABLE queue_recipients ADD COLUMN warned INTEGER NOT NULL DEFAULT 0;
