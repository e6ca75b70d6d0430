-- The admin listener: its accounts, their login sessions, and API tokens. Sessions are stored
-- (not kept in memory) so that every node sharing the store accepts them and they survive a
-- restart. No secret is stored as given: passwords as Argon2id hashes, session cookies and API
-- tokens as the SHA-256 of their random value.

CREATE TABLE admin_users (
    name           TEXT    NOT NULL PRIMARY KEY,   -- the login name, lower case
    password_hash  TEXT    NOT NULL,               -- Argon2id, PHC string
    created_at     BIGINT  NOT NULL
);

CREATE TABLE admin_sessions (
    id          TEXT    NOT NULL PRIMARY KEY,      -- hex SHA-256 of the cookie value
    admin_name  TEXT    NOT NULL REFERENCES admin_users(name) ON DELETE CASCADE,
    csrf_token  TEXT    NOT NULL,                  -- sent back in X-CSRF-Token by state-changing requests
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
);
CREATE INDEX admin_sessions_expires ON admin_sessions (expires_at);
CREATE INDEX admin_sessions_admin ON admin_sessions (admin_name);

CREATE TABLE api_tokens (
    id            TEXT    NOT NULL PRIMARY KEY,    -- public id, shown in lists and used to revoke
    name          TEXT    NOT NULL,                -- what the token is for, said by its creator
    secret_hash   TEXT    NOT NULL UNIQUE,         -- hex SHA-256 of the token as the client sends it
    scopes        TEXT    NOT NULL,                -- space-separated scope names
    domains       TEXT,                            -- space-separated A-label domains it is limited to; NULL: all
    created_by    TEXT    NOT NULL,                -- admin name, or "cli"
    created_at    BIGINT  NOT NULL,
    last_used_at  BIGINT,
    expires_at    BIGINT                           -- NULL: never
);
