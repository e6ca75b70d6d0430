-- Webhooks (docs/webhooks.md, docs/adr/0016-webhooks.md) and their outbox; as db/migration/V12.

CREATE TABLE webhooks (
    id          TEXT    COLLATE "C" NOT NULL PRIMARY KEY,
    url         TEXT    COLLATE "C" NOT NULL,
    secret      TEXT    COLLATE "C" NOT NULL,
    events      TEXT    COLLATE "C" NOT NULL,
    domains     TEXT    COLLATE "C",                      -- NULL: every domain
    enabled     INTEGER NOT NULL DEFAULT 1,
    created_at  BIGINT  NOT NULL
);

CREATE TABLE webhook_deliveries (
    id               TEXT    COLLATE "C" NOT NULL PRIMARY KEY,
    webhook_id       TEXT    COLLATE "C" NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_type       TEXT    COLLATE "C" NOT NULL,
    payload          TEXT    COLLATE "C" NOT NULL,
    state            TEXT    COLLATE "C" NOT NULL,        -- pending, delivered, failed
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT  NOT NULL,                    -- when due, or when the claim's lease ends
    claim            TEXT    COLLATE "C",                 -- the token of the sender holding it; NULL otherwise
    last_status      INTEGER,
    last_error       TEXT    COLLATE "C",
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    delivered_at     BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at);
CREATE INDEX webhook_deliveries_claim ON webhook_deliveries (claim);
