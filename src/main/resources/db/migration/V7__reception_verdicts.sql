-- What the receiving checks concluded about an inbound message: the trace fields written at
-- reception (Authentication-Results) that final delivery puts above the content, and whether the
-- message goes to the recipient's Junk mailbox (a DMARC quarantine) instead of the INBOX.
ALTER TABLE queue_messages ADD COLUMN trace_fields TEXT;
ALTER TABLE queue_messages ADD COLUMN quarantined INTEGER NOT NULL DEFAULT 0;
