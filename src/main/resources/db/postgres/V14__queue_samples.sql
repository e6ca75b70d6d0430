-- The size of the queue, sampled every few minutes; as db/migration/V14.
CREATE TABLE queue_samples (
    sampled_at  BIGINT PRIMARY KEY,   -- epoch milliseconds
    messages    BIGINT NOT NULL,
    recipients  BIGINT NOT NULL
);
