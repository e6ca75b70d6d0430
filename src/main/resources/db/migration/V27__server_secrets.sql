-- Secrets the server makes for itself and shares between its nodes: the key of the Sender
-- Rewriting Scheme (docs/forwarding.md), made at first use.
CREATE TABLE server_secrets (
    name        TEXT   NOT NULL PRIMARY KEY,
    value       TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);
