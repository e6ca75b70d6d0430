-- Domain ownership tokens and SMTP credentials for applications; as db/migration/V11.
CREATE TABLE domain_ownership (
    domain_id    BIGINT  NOT NULL PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
    token        TEXT    COLLATE "C" NOT NULL,
    created_at   BIGINT  NOT NULL,
    verified_at  BIGINT                               -- NULL until the token was seen in DNS
);

CREATE TABLE smtp_credentials (
    name           TEXT    COLLATE "C" NOT NULL PRIMARY KEY,  -- the SASL user name: an address lookup key
    domain_id      BIGINT  NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    senders        TEXT    COLLATE "C" NOT NULL,              -- address keys and "@" + A-label domains, space-separated
    rate_limit     TEXT    COLLATE "C",                       -- "<messages>/<window>"; NULL for none
    password_hash  TEXT    COLLATE "C" NOT NULL,
    scram_sha256   TEXT    COLLATE "C" NOT NULL,
    cram_md5       TEXT    COLLATE "C",
    created_at     BIGINT  NOT NULL,
    revoked_at     BIGINT,                                    -- NULL while it may be used
    last_used_at   BIGINT,
    messages_sent  BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX smtp_credentials_domain ON smtp_credentials (domain_id);
