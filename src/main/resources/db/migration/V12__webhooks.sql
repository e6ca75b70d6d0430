-- Webhooks (docs/webhooks.md, docs/adr/0016-webhooks.md): the HTTP endpoints told of delivery
-- events, and the outbox of the POSTs to make. Outbox rows are written in the transaction that
-- records the event, so an event committed is an event sent, across restarts and crashes.
-- The SQL runs on SQLite and PostgreSQL alike.

CREATE TABLE webhooks (
    id          TEXT    NOT NULL PRIMARY KEY,  -- public id, shown in lists and sent in Tern-Webhook-Id
    url         TEXT    NOT NULL,              -- http or https
    secret      TEXT    NOT NULL,              -- the HMAC-SHA256 key shared with the receiver: kept as
                                               -- given, since Tern signs with it (a hash cannot sign)
    events      TEXT    NOT NULL,              -- space-separated event types: received delivered ...
    domains     TEXT,                          -- space-separated A-label domains; NULL: every domain
    enabled     INTEGER NOT NULL DEFAULT 1,
    created_at  BIGINT  NOT NULL
);

-- One row per POST to make: pending until the receiver answers 2xx (delivered) or the retries
-- run out (failed). A node sending a row claims it first: it sets claim to a random token and
-- next_attempt_at to the end of its lease, so that no other node sends it meanwhile; should the
-- node die, the row is due again once the lease has run out.
CREATE TABLE webhook_deliveries (
    id               TEXT    NOT NULL PRIMARY KEY,  -- sent in Tern-Delivery-Id and as the body's id
    webhook_id       TEXT    NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_type       TEXT    NOT NULL,              -- received, delivered, deferred, bounced, expired, ping
    payload          TEXT    NOT NULL,              -- the JSON body, the same at every attempt
    state            TEXT    NOT NULL,              -- pending, delivered, failed
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT  NOT NULL,              -- epoch ms: when due, or when the claim's lease ends
    claim            TEXT,                          -- the token of the sender holding it; NULL otherwise
    last_status      INTEGER,                       -- HTTP status of the last attempt; NULL: no answer
    last_error       TEXT,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    delivered_at     BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at);
CREATE INDEX webhook_deliveries_claim ON webhook_deliveries (claim);
