-- The size of the queue, sampled every few minutes, so that the console can chart it over time.
CREATE TABLE queue_samples (
    sampled_at  BIGINT PRIMARY KEY,   -- epoch milliseconds
    messages    BIGINT NOT NULL,
    recipients  BIGINT NOT NULL
);
