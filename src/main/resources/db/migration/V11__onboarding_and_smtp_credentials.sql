-- Domain ownership: a random token the owner publishes at _tern-verify.<domain> (TXT
-- "tern-verify=<token>"). verified_at is set when the token was found in DNS, and stays set.
-- Domains added before this table existed get their token the first time it is asked for.
CREATE TABLE domain_ownership (
    domain_id    INTEGER NOT NULL PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
    token        TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    verified_at  BIGINT                       -- NULL until the token was seen in DNS
);

-- SMTP credentials for applications: a login that may only submit mail (no mailbox, no IMAP or
-- POP3), from the senders of its scope, at most at its rate. Its secret is kept as accounts keep
-- passwords (docs/adr/0003-stored-secrets.md): Argon2id for PLAIN and LOGIN, SCRAM-SHA-256 keys,
-- and CRAM-MD5 states only when asked for. Revoked credentials stay, for their history.
CREATE TABLE smtp_credentials (
    name           TEXT    NOT NULL PRIMARY KEY,  -- the SASL user name: an address lookup key
    domain_id      INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    senders        TEXT    NOT NULL,              -- the scope: address keys and "@" + A-label domains, space-separated
    rate_limit     TEXT,                          -- "<messages>/<window>", e.g. "100/1h"; NULL for none
    password_hash  TEXT    NOT NULL,
    scram_sha256   TEXT    NOT NULL,
    cram_md5       TEXT,
    created_at     BIGINT  NOT NULL,
    revoked_at     BIGINT,                        -- NULL while it may be used
    last_used_at   BIGINT,                        -- the last message it sent; NULL before the first
    messages_sent  BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX smtp_credentials_domain ON smtp_credentials (domain_id);
