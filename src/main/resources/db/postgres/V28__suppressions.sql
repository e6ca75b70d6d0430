-- Addresses outbound mail is not sent to (docs/suppressions.md); as db/migration/V28.
CREATE TABLE suppressions (
    address     TEXT   COLLATE "C" NOT NULL PRIMARY KEY,
    domain      TEXT   COLLATE "C" NOT NULL,
    reason      TEXT   COLLATE "C" NOT NULL,
    status      TEXT   COLLATE "C",
    detail      TEXT   COLLATE "C",
    queue_id    TEXT   COLLATE "C",
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT
);
CREATE INDEX suppressions_by_domain ON suppressions (domain, address);
CREATE INDEX suppressions_by_expiry ON suppressions (expires_at);
