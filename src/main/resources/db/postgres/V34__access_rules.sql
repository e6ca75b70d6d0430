-- The operator's access rules for mail from other servers; as db/migration/V34.
CREATE TABLE access_rules (
    pattern     TEXT   COLLATE "C" NOT NULL PRIMARY KEY,
    kind        TEXT   COLLATE "C" NOT NULL,
    action      TEXT   COLLATE "C" NOT NULL,
    note        TEXT   COLLATE "C",
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT
);
CREATE INDEX access_rules_by_expiry ON access_rules (expires_at);
