-- Delivery tracking (docs/tracking.md, docs/adr/0015-delivery-events.md): the timeline of every
-- message and recipient, written in the transactions that change the queue. These rows outlive
-- the queue entry and are purged after [tracking] retention.

-- The Message-ID header field of a queued message (without its angle brackets), or NULL when it
-- has none: read from the stored content at enqueue.
ALTER TABLE queue_messages ADD COLUMN message_id_header TEXT;

-- One row per message that entered the queue, with what a search filters on.
CREATE TABLE trace_messages (
    queue_id        TEXT    PRIMARY KEY,
    message_id      TEXT,                  -- Message-ID header without <>, or NULL
    sender          TEXT    NOT NULL,      -- the envelope sender as given; '' for the null path <>
    sender_key      TEXT    NOT NULL,      -- sender in lower case, for search
    size            BIGINT  NOT NULL,
    listener        TEXT,                  -- smtp, submission, submissions, bounce…
    client_address  TEXT,
    auth_user       TEXT,
    received_at     BIGINT  NOT NULL
);
CREATE INDEX trace_messages_received ON trace_messages (received_at, queue_id);
CREATE INDEX trace_messages_message_id ON trace_messages (message_id);
CREATE INDEX trace_messages_sender ON trace_messages (sender_key, received_at);

-- Each recipient of a traced message with its latest state: queued, deferred, delivered,
-- bounced, expired or deleted.
CREATE TABLE trace_recipients (
    queue_id     TEXT    NOT NULL,
    position     INTEGER NOT NULL,         -- order in the envelope
    address      TEXT    NOT NULL,         -- as the client gave it
    address_key  TEXT    NOT NULL,         -- lower case, for search
    status       TEXT    NOT NULL,
    updated_at   BIGINT  NOT NULL,
    PRIMARY KEY (queue_id, address)
);
CREATE INDEX trace_recipients_address ON trace_recipients (address_key);

-- The events: received, queued, attempt, deferred, delivered, bounced, expired, deleted. seq is
-- unique and increasing within the process that wrote it, and orders a message's events.
CREATE TABLE delivery_events (
    queue_id   TEXT    NOT NULL,
    seq        BIGINT  NOT NULL,
    at         BIGINT  NOT NULL,           -- epoch ms
    type       TEXT    NOT NULL,
    recipient  TEXT,                       -- NULL for an event about the whole message
    data       TEXT    NOT NULL            -- the event's fields, a JSON object of strings
);
CREATE INDEX delivery_events_by_message ON delivery_events (queue_id, seq);
CREATE INDEX delivery_events_at ON delivery_events (at);
