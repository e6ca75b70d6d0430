-- Secrets the server makes for itself (docs/forwarding.md); as db/migration/V27.
CREATE TABLE server_secrets (
    name        TEXT   COLLATE "C" NOT NULL PRIMARY KEY,
    value       TEXT   COLLATE "C" NOT NULL,
    created_at  BIGINT NOT NULL
);
