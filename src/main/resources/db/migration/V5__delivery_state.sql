-- Outbound delivery: a recipient whose sender was warned that delivery is delayed is not warned
-- again. A recipient being delivered has state 'inflight', and its next_attempt_at is the end of
-- that lease: should the node die, the recipient is due again once the lease has run out.
ALTER TABLE queue_recipients ADD COLUMN warned INTEGER NOT NULL DEFAULT 0;
