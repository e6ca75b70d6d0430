-- Addresses of other domains that outbound mail is not sent to: their server refused them as
-- nonexistent (a hard bounce), or an operator listed them (docs/suppressions.md).
CREATE TABLE suppressions (
    address     TEXT   NOT NULL PRIMARY KEY,   -- lookup key: local part lower-cased, A-label domain
    domain      TEXT   NOT NULL,               -- the address's A-label domain, to list by domain
    reason      TEXT   NOT NULL,               -- bounce | manual
    status      TEXT,                          -- the enhanced status of the refusal, e.g. 5.1.1
    detail      TEXT,                          -- the remote server's reply, or the operator's note
    queue_id    TEXT,                          -- the message whose delivery was refused
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT                         -- NULL: until removed
);
CREATE INDEX suppressions_by_domain ON suppressions (domain, address);
CREATE INDEX suppressions_by_expiry ON suppressions (expires_at);
