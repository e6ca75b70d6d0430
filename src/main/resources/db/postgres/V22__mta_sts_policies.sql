-- Recipient domains' MTA-STS policies (RFC 8461); as db/migration/V22.
CREATE TABLE mta_sts_policies (
    domain     TEXT   COLLATE "C" NOT NULL PRIMARY KEY,   -- A-labels, lower case
    policy_id  TEXT   COLLATE "C" NOT NULL,               -- the id in the domain's _mta-sts TXT record when fetched
    policy     TEXT   COLLATE "C" NOT NULL,               -- the policy file as fetched
    fetched_at BIGINT NOT NULL,                           -- epoch ms
    expires_at BIGINT NOT NULL                            -- fetched_at + max_age, epoch ms
);
CREATE INDEX mta_sts_policies_expires ON mta_sts_policies (expires_at);
