-- Recipient domains' MTA-STS policies (RFC 8461) as last fetched, kept until they expire: a restart
-- does not forget them (RFC 8461 §5.1), and every node sharing the store uses them.
CREATE TABLE mta_sts_policies (
    domain     TEXT   NOT NULL PRIMARY KEY,   -- A-labels, lower case
    policy_id  TEXT   NOT NULL,               -- the id in the domain's _mta-sts TXT record when fetched
    policy     TEXT   NOT NULL,               -- the policy file as fetched
    fetched_at BIGINT NOT NULL,               -- epoch ms
    expires_at BIGINT NOT NULL                -- fetched_at + max_age, epoch ms
);
CREATE INDEX mta_sts_policies_expires ON mta_sts_policies (expires_at);
