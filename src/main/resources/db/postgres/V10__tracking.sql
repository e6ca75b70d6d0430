-- Delivery tracking (docs/tracking.md, docs/adr/0015-delivery-events.md); as db/migration/V10.

ALTER TABLE queue_messages ADD COLUMN message_id_header TEXT COLLATE "C";

CREATE TABLE trace_messages (
    queue_id        TEXT    COLLATE "C" PRIMARY KEY,
    message_id      TEXT    COLLATE "C",           -- Message-ID header without <>, or NULL
    sender          TEXT    COLLATE "C" NOT NULL,  -- the envelope sender as given; '' for the null path <>
    sender_key      TEXT    COLLATE "C" NOT NULL,  -- sender in lower case, for search
    size            BIGINT  NOT NULL,
    listener        TEXT    COLLATE "C",
    client_address  TEXT    COLLATE "C",
    auth_user       TEXT    COLLATE "C",
    received_at     BIGINT  NOT NULL
);
CREATE INDEX trace_messages_received ON trace_messages (received_at, queue_id);
CREATE INDEX trace_messages_message_id ON trace_messages (message_id);
CREATE INDEX trace_messages_sender ON trace_messages (sender_key, received_at);

CREATE TABLE trace_recipients (
    queue_id     TEXT    COLLATE "C" NOT NULL,
    position     INTEGER NOT NULL,                 -- order in the envelope
    address      TEXT    COLLATE "C" NOT NULL,     -- as the client gave it
    address_key  TEXT    COLLATE "C" NOT NULL,     -- lower case, for search
    status       TEXT    COLLATE "C" NOT NULL,
    updated_at   BIGINT  NOT NULL,
    PRIMARY KEY (queue_id, address)
);
CREATE INDEX trace_recipients_address ON trace_recipients (address_key);

CREATE TABLE delivery_events (
    queue_id   TEXT    COLLATE "C" NOT NULL,
    seq        BIGINT  NOT NULL,
    at         BIGINT  NOT NULL,                   -- epoch ms
    type       TEXT    COLLATE "C" NOT NULL,
    recipient  TEXT    COLLATE "C",                -- NULL for an event about the whole message
    data       TEXT    COLLATE "C" NOT NULL        -- the event's fields, a JSON object of strings
);
CREATE INDEX delivery_events_by_message ON delivery_events (queue_id, seq);
CREATE INDEX delivery_events_at ON delivery_events (at);
