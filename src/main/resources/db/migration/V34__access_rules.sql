-- The operator's access rules for mail from other servers (docs/inbound-checks.md#access-rules):
-- client networks and sender addresses or domains that are refused, or spared checks.
CREATE TABLE access_rules (
    pattern     TEXT   NOT NULL PRIMARY KEY,   -- 203.0.113.0/24, 2001:db8::/48, user@example.org (key), example.org (A-label)
    kind        TEXT   NOT NULL,               -- client | sender
    action      TEXT   NOT NULL,               -- reject | allow
    note        TEXT,                          -- why, in the operator's words
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT                         -- NULL: until deleted
);
CREATE INDEX access_rules_by_expiry ON access_rules (expires_at);
