-- The ACME certificate, challenges and order lock; as db/migration/V23.
CREATE TABLE acme_certificates (
    id        TEXT   COLLATE "C" NOT NULL PRIMARY KEY,
    chain_pem TEXT   COLLATE "C" NOT NULL,
    key_pem   TEXT   COLLATE "C" NOT NULL,
    not_after BIGINT NOT NULL,
    stored_at BIGINT NOT NULL
);
CREATE TABLE acme_challenges (
    token             TEXT   COLLATE "C" NOT NULL PRIMARY KEY,
    key_authorization TEXT   COLLATE "C" NOT NULL,
    expires_at        BIGINT NOT NULL
);
CREATE TABLE acme_order_locks (
    id         TEXT   COLLATE "C" NOT NULL PRIMARY KEY,
    owner      TEXT   COLLATE "C" NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE TABLE acme_accounts (
    directory  TEXT   COLLATE "C" NOT NULL PRIMARY KEY,
    key_pem    TEXT   COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL
);
